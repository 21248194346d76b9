using Nuages.Core;
using Nuages.Forms;
using Nuages.Http;

namespace Nuages.Views.Generic;

/// <summary>
/// Django's <c>FormView</c> (django/views/generic/edit.py): GET renders the template with an unbound
/// <typeparamref name="TForm"/> as <c>form</c>; POST binds it to the submitted data and files — valid, it calls
/// <see cref="FormValid"/> (a redirect to <see cref="SuccessUrl"/>, the Post/Redirect/Get pattern); invalid,
/// <see cref="FormInvalid"/> renders the page again with the errors. Its async form is <see cref="AsyncFormView{TForm}"/>.
/// </summary>
public class FormView<TForm> : TemplateView where TForm : Form, new()
{
    /// <summary>Initial values of the form (Django's <c>initial</c>).</summary>
    public Dictionary<string, object?> Initial { get; set; } = [];

    /// <summary>The form's prefix.</summary>
    public string? Prefix { get; set; }

    /// <summary>Where a valid submission redirects.</summary>
    public string? SuccessUrl { get; set; }

    /// <summary>The form's initial values (Django's <c>get_initial</c>).</summary>
    public virtual Dictionary<string, object?> GetInitial() => new(Initial);

    /// <summary>The form's prefix (Django's <c>get_prefix</c>).</summary>
    public virtual string? GetPrefix() => Prefix;

    /// <summary>The form for this request: bound to the data for POST and PUT (Django's <c>get_form</c>).</summary>
    public virtual TForm GetForm() => Request.Method is "POST" or "PUT"
        ? new TForm { Initial = GetInitial(), Prefix = GetPrefix(), Data = Request.Form, Files = Request.Files }
        : new TForm { Initial = GetInitial(), Prefix = GetPrefix() };

    /// <summary>Where a valid submission goes (Django's <c>get_success_url</c>).</summary>
    public virtual string GetSuccessUrl() => SuccessUrl ?? throw new ImproperlyConfigured("No URL to redirect to. Provide a success_url.");

    /// <summary>A valid submission: a redirect to <see cref="GetSuccessUrl"/>.</summary>
    public virtual HttpResponse FormValid(TForm form) => new HttpResponseRedirect(GetSuccessUrl());

    /// <summary>The async form of <see cref="FormValid"/>, which the async view awaits; by default it calls <see cref="FormValid"/>.</summary>
    public virtual Task<HttpResponse> FormValidAsync(TForm form, CancellationToken cancellationToken) => Task.FromResult(FormValid(form));

    /// <summary>An invalid submission: the page again, the form with its errors.</summary>
    public virtual HttpResponse FormInvalid(TForm form)
    {
        form.Prepare(); // what the page shows is read here, in the view's mode (nothing left after PrepareAsync)
        return RenderToResponse(GetContextData(new Dictionary<string, object?> { ["form"] = form }));
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        if (!context.ContainsKey("form"))
        {
            var form = GetForm();
            form.Prepare();
            context["form"] = form;
        }
        return context;
    }

    /// <summary>The async GET of the async form views: the form's model choices read with async I/O, then the page.</summary>
    protected async Task<HttpResponse> FormPageAsync(CancellationToken cancellationToken)
    {
        var form = GetForm();
        await form.PrepareAsync(cancellationToken).ConfigureAwait(false);
        return RenderToResponse(GetContextData(new Dictionary<string, object?> { ["form"] = form }));
    }

    /// <summary>The async POST of the async form views: validated with async hooks, then <see cref="FormValidAsync"/> or the page again.</summary>
    protected async Task<HttpResponse> SubmitAsync(CancellationToken cancellationToken)
    {
        var form = GetForm();
        if (await form.IsValidAsync(cancellationToken).ConfigureAwait(false)) return await FormValidAsync(form, cancellationToken).ConfigureAwait(false);
        await form.PrepareAsync(cancellationToken).ConfigureAwait(false);
        return FormInvalid(form);
    }

    /// <summary>POST: the submission validated.</summary>
    public virtual HttpResponse Post(HttpRequest request)
    {
        var form = GetForm();
        return form.IsValid() ? FormValid(form) : FormInvalid(form);
    }

    /// <summary>PUT: as POST.</summary>
    public virtual HttpResponse Put(HttpRequest request) => Post(request);
}

/// <summary>
/// <see cref="FormView{TForm}"/> with async handlers: the form is validated with <see cref="Form.IsValidAsync"/> (its
/// async hooks awaited) and a valid one goes to <see cref="FormView{TForm}.FormValidAsync"/>.
/// </summary>
public class AsyncFormView<TForm> : FormView<TForm> where TForm : Form, new()
{
    /// <summary>GET, async: the form's model choices are read with async I/O before it renders.</summary>
    public new Task<HttpResponse> Get(HttpRequest request) => FormPageAsync(request.Aborted);

    /// <summary>POST, async.</summary>
    public new Task<HttpResponse> Post(HttpRequest request) => SubmitAsync(request.Aborted);

    /// <summary>PUT, async: as POST.</summary>
    public new Task<HttpResponse> Put(HttpRequest request) => Post(request);
}
