namespace Nuages.Views.Generic;

/// <summary>The names Django's generic views make from a model: its app label, <c>model_name</c> and <c>verbose_name</c>.</summary>
internal static class ModelNames
{
    /// <summary>Django's <c>_meta.model_name</c>: the class name in lower case.</summary>
    public static string ModelName(Type model) => model.Name.ToLowerInvariant();

    /// <summary>Django's default <c>verbose_name</c> (<c>BlogPost</c> → <c>blog post</c>), as the model's validation messages use it.</summary>
    public static string VerboseName(Type model) => Db.Models.ModelMeta.For(model).VerboseName;

    /// <summary>Django's template name of a model's view: <c>{app_label}/{model_name}{suffix}.html</c> (the name alone for a model outside any app).</summary>
    public static string TemplateName(Type model, string suffix) =>
        Apps.AppConfig.Of(model) is { } app ? $"{app.Label}/{ModelName(model)}{suffix}.html" : $"{ModelName(model)}{suffix}.html";
}
