using System.Reflection;
using System.Text.RegularExpressions;
using Nuages.Core;
using Nuages.Db.Models;
using Nuages.Forms;
using Nuages.Http;

namespace Nuages.Views.Generic;

/// <summary>
/// What <see cref="CreateView{T, TForm}"/> and <see cref="UpdateView{T, TForm}"/> share (Django's <c>ModelFormMixin</c>
/// with <c>SingleObjectMixin</c>): the form edits <see cref="Object"/>; a valid one is saved, then the view redirects
/// to <c>SuccessUrl</c> — <c>{id}</c> and other field names in braces filled from the row — or to the row's
/// <c>GetAbsoluteUrl()</c>. Templates: <c>{app}/{model}_form.html</c>, with <c>form</c>, <c>object</c> and <c>{model}</c>.
/// </summary>
public abstract partial class ModelFormView<T, TForm> : FormView<TForm> where T : Model<T>, new() where TForm : ModelForm<T>, new()
{
    /// <summary>The row edited (null while creating).</summary>
#pragma warning disable CA1720 // Django's name, which templates and mixins use
    public T? Object { get; protected set; }
#pragma warning restore CA1720

    /// <summary>The end of the template name made from the model (<c>_form</c>).</summary>
    public string TemplateNameSuffix { get; set; } = "_form";

    /// <inheritdoc/>
    public override string[] GetTemplateNames() =>
        [.. TemplateName is { } name ? [name] : Array.Empty<string>(), ModelNames.TemplateName(typeof(T), TemplateNameSuffix)];

    /// <inheritdoc/>
    public override TForm GetForm()
    {
        var form = base.GetForm();
        form.UseInstance(Object);
        return form;
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    /// <summary>Where a saved row goes: <c>SuccessUrl</c> with the row's values, else its <c>GetAbsoluteUrl()</c> (Django's <c>get_success_url</c>).</summary>
    public override string GetSuccessUrl()
    {
        if (SuccessUrl is { } url)
        {
            var meta = ModelMeta.For(typeof(T));
            return Placeholder().Replace(url, m => meta.ByName.TryGetValue(m.Groups[1].Value, out var field) && Object is not null
                ? PythonFormat.Str(field.IsRelation ? field.Relation!(Object)?.Id : field.Get(Object)) : m.Value);
        }
        if (typeof(T).GetMethod("GetAbsoluteUrl", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is { } absolute && Object is not null)
            return (string)absolute.Invoke(Object, [])!;
        throw new ImproperlyConfigured("No URL to redirect to.  Either provide a url or define a get_absolute_url method on the Model.");
    }

    /// <inheritdoc/>
    public override HttpResponse FormValid(TForm form)
    {
        Object = form.Save();
        return base.FormValid(form);
    }

    /// <inheritdoc/>
    public override async Task<HttpResponse> FormValidAsync(TForm form, CancellationToken cancellationToken)
    {
        Object = await form.SaveAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new HttpResponseRedirect(GetSuccessUrl());
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        if (Object is not null)
        {
            context.TryAdd("object", Object);
            context.TryAdd(ModelNames.ModelName(typeof(T)), Object);
        }
        return context;
    }
}

/// <summary>Django's <c>CreateView</c>: a form for a new row; saved, a redirect. Its async form is <see cref="AsyncCreateView{T, TForm}"/>.</summary>
public class CreateView<T, TForm> : ModelFormView<T, TForm> where T : Model<T>, new() where TForm : ModelForm<T>, new();

/// <summary><see cref="CreateView{T, TForm}"/> with async handlers: validation, the unique checks and the save with async I/O.</summary>
public class AsyncCreateView<T, TForm> : CreateView<T, TForm> where T : Model<T>, new() where TForm : ModelForm<T>, new()
{
    /// <summary>GET, async.</summary>
    public new Task<HttpResponse> Get(HttpRequest request) => FormPageAsync(request.Aborted);

    /// <summary>POST, async.</summary>
    public new Task<HttpResponse> Post(HttpRequest request) => SubmitAsync(request.Aborted);

    /// <summary>PUT, async: as POST.</summary>
    public new Task<HttpResponse> Put(HttpRequest request) => Post(request);
}

/// <summary>
/// Django's <c>UpdateView</c>: a form for the row the URL names (<c>pk</c> or <c>slug</c>, as <see cref="DetailView{T}"/>;
/// none is a 404); saved, a redirect. Its async form is <see cref="AsyncUpdateView{T, TForm}"/>.
/// </summary>
public class UpdateView<T, TForm> : ModelFormView<T, TForm> where T : Model<T>, new() where TForm : ModelForm<T>, new()
{
    private readonly DetailView<T> _finder = new();

    /// <summary>The rows looked in; all of the model's when null.</summary>
    public Db.Query.QuerySet<T>? Queryset { get; set; }

    /// <summary>The model field the URL's slug is matched against.</summary>
    public string SlugField { get; set; } = "slug";

    /// <summary>The URL's name of the slug.</summary>
    public string SlugUrlKwarg { get; set; } = "slug";

    /// <summary>The URL's name of the primary key.</summary>
    public string PkUrlKwarg { get; set; } = "pk";

    /// <summary>The row edited, found as a detail view finds it (Django's <c>get_object</c>).</summary>
    public virtual T GetObject() => Finder().GetObject();

    /// <summary>The async form of <see cref="GetObject"/>.</summary>
    public virtual Task<T> GetObjectAsync(CancellationToken cancellationToken = default) => Finder().GetObjectAsync(cancellationToken: cancellationToken);

    private DetailView<T> Finder()
    {
        _finder.Use(Request, Kwargs);
        _finder.Queryset = Queryset;
        _finder.SlugField = SlugField;
        _finder.SlugUrlKwarg = SlugUrlKwarg;
        _finder.PkUrlKwarg = PkUrlKwarg;
        return _finder;
    }

    /// <summary>GET: the form with the row's values.</summary>
    public override HttpResponse Get(HttpRequest request)
    {
        Object = GetObject();
        return base.Get(request);
    }

    /// <summary>POST: the row changed, or the form again with its errors.</summary>
    public override HttpResponse Post(HttpRequest request)
    {
        Object = GetObject();
        return base.Post(request);
    }
}

/// <summary><see cref="UpdateView{T, TForm}"/> with async handlers: the row, the validation and the save with async I/O.</summary>
public class AsyncUpdateView<T, TForm> : UpdateView<T, TForm> where T : Model<T>, new() where TForm : ModelForm<T>, new()
{
    /// <summary>GET, async.</summary>
    public new async Task<HttpResponse> Get(HttpRequest request)
    {
        Object = await GetObjectAsync(request.Aborted).ConfigureAwait(false);
        return await FormPageAsync(request.Aborted).ConfigureAwait(false);
    }

    /// <summary>POST, async.</summary>
    public new async Task<HttpResponse> Post(HttpRequest request)
    {
        Object = await GetObjectAsync(request.Aborted).ConfigureAwait(false);
        return await SubmitAsync(request.Aborted).ConfigureAwait(false);
    }

    /// <summary>PUT, async: as POST.</summary>
    public new Task<HttpResponse> Put(HttpRequest request) => Post(request);
}

/// <summary>
/// Django's <c>DeleteView</c>: GET shows <c>{app}/{model}_confirm_delete.html</c> with the row the URL names; POST
/// deletes it and redirects to <see cref="SuccessUrl"/>. Its async form is <see cref="AsyncDeleteView{T}"/>.
/// </summary>
public class DeleteView<T> : DetailView<T> where T : Model<T>, new()
{
    /// <summary>A delete view with Django's template suffix.</summary>
    public DeleteView() => TemplateNameSuffix = "_confirm_delete";

    /// <summary>Where the view goes once the row is deleted (required).</summary>
    public string? SuccessUrl { get; set; }

    /// <summary>Where the view goes once the row is deleted (Django's <c>get_success_url</c>).</summary>
    public virtual string GetSuccessUrl() => SuccessUrl ?? throw new ImproperlyConfigured("No URL to redirect to. Provide a success_url.");

    /// <summary>POST: the row deleted, then a redirect.</summary>
    public virtual HttpResponse Post(HttpRequest request)
    {
        Object = GetObject();
        var url = GetSuccessUrl();
        Object.Delete();
        return new HttpResponseRedirect(url);
    }
}

/// <summary><see cref="DeleteView{T}"/> with async handlers: the row read and deleted with async I/O.</summary>
public class AsyncDeleteView<T> : DeleteView<T> where T : Model<T>, new()
{
    /// <summary>GET, async.</summary>
    public new async Task<HttpResponse> Get(HttpRequest request)
    {
        Object = await GetObjectAsync(cancellationToken: request.Aborted).ConfigureAwait(false);
        return RenderToResponse(GetContextData());
    }

    /// <summary>POST, async.</summary>
    public new async Task<HttpResponse> Post(HttpRequest request)
    {
        Object = await GetObjectAsync(cancellationToken: request.Aborted).ConfigureAwait(false);
        var url = GetSuccessUrl();
        await Object.DeleteAsync(cancellationToken: request.Aborted).ConfigureAwait(false);
        return new HttpResponseRedirect(url);
    }
}
