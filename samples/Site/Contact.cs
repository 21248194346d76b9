using Nuages.Contrib.Messaging;
using Nuages.Core;
using Nuages.Forms;
using Nuages.Http;
using Nuages.Views.Generic;

namespace Site;

/// <summary>The contact form: Django's fields and messages, a check of the whole form, an async hook.</summary>
public sealed class ContactForm : Form
{
    public CharField Name { get; } = new() { MaxLength = 100 };
    public EmailField Email { get; } = new() { HelpText = "We answer there; we never show it." };
    public ChoiceField Topic { get; } = new() { Choices = [("", "Choose…"), ("books", "Books"), ("site", "This site")] };
    public CharField Message { get; } = new() { Widget = new Textarea { Attrs = { ["rows"] = "4" } }, MinLength = 10 };

    /// <summary>Checked in IsValidAsync: an author's name may not be borrowed (a query, read with async I/O).</summary>
    public async Task<string> CleanNameAsync(CancellationToken cancellationToken)
    {
        var name = CleanedData.Get(Name)!;
        if (await Author.Objects.Filter("name__iexact", name).ExistsAsync(cancellationToken))
            throw new ValidationError("That is one of our authors' names: please use your own.", "author");
        return name;
    }

    /// <summary>The sync twin, for IsValid.</summary>
    public string CleanName() => CleanedData.Get(Name)!;

    protected override void Clean()
    {
        if (CleanedData.Get(Topic) == "site" && CleanedData.Get(Message)?.Contains("http", StringComparison.OrdinalIgnoreCase) == true)
            AddError("message", "Please send no links about the site: describe what you saw.");
    }
}

/// <summary>
/// An async form view: GET shows the form, POST validates it with async I/O — errors shown with what was typed;
/// valid, a success message and a redirect (Post/Redirect/Get).
/// </summary>
public sealed class ContactView : AsyncFormView<ContactForm>
{
    public ContactView()
    {
        TemplateName = "site/contact.html";
        SuccessUrl = "/contact/";
    }

    public override Task<HttpResponse> FormValidAsync(ContactForm form, CancellationToken cancellationToken)
    {
        Messages.Success(Request, $"Thank you, {form.CleanedData.Get(form.Name)}: your message about {form.CleanedData.Get(form.Topic)} was received.");
        return base.FormValidAsync(form, cancellationToken);
    }
}

/// <summary>The author form: made from the model (its unique name checked by the model, with Django's message).</summary>
public sealed class AuthorForm : ModelForm<Author>
{
    protected override string[] IncludeFields => ["name"];

    protected override IReadOnlyDictionary<string, string> HelpTexts => new Dictionary<string, string> { ["name"] = "As printed on the cover." };
}
