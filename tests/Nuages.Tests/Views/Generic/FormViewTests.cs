using Nuages.Core;
using Nuages.Forms;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Support;
using Nuages.Views;
using Nuages.Views.Generic;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Views.Generic;

/// <summary>FormView as django/views/generic/edit.py's, sync and async: GET shows the form, POST validates and redirects or shows the errors.</summary>
public class FormViewTests
{
    private static readonly string Dirs = Directory.CreateTempSubdirectory("nuages-formview-").FullName;

    static FormViewTests() =>
        File.WriteAllText(System.IO.Path.Combine(Dirs, "contact.html"), "<form method=\"post\">{% csrf_token %}{{ form.as_p }}</form>");

    public sealed class ContactForm : Form
    {
        public EmailField Email { get; } = new();
        public CharField Message { get; } = new() { Widget = new Textarea(), MinLength = 5 };

        public async Task<string> CleanEmailAsync()
        {
            await Task.Yield(); // a lookup, say
            var email = CleanedData.Get(Email)!;
            return email.EndsWith("@spam.example", StringComparison.Ordinal) ? throw new ValidationError("No spam, thanks.", "spam") : email;
        }

        public string CleanEmail() => CleanedData.Get(Email)!;
    }

    public sealed class Contact : FormView<ContactForm>
    {
        public Contact()
        {
            TemplateName = "contact.html";
            SuccessUrl = "/thanks/";
        }
    }

    public sealed class AsyncContact : AsyncFormView<ContactForm>
    {
        public static readonly List<string> Sent = [];

        public AsyncContact()
        {
            TemplateName = "contact.html";
            SuccessUrl = "/thanks/";
        }

        public override async Task<HttpResponse> FormValidAsync(ContactForm form, CancellationToken cancellationToken)
        {
            await Task.Yield();
            lock (Sent) Sent.Add(form.CleanedData.Get(form.Message)!);
            return await base.FormValidAsync(form, cancellationToken);
        }
    }

    private static NuagesApp Site() => TestSite.Create(s =>
        {
            s.Debug = true;
            s.AllowedHosts = ["testserver"];
            s.Templates.Dirs.Add(Dirs);
            Nuages.Conf.TypeNames.Add<Nuages.Middleware.CsrfViewMiddleware>(s.Middleware);
        },
        Path("contact/", View.AsView<Contact>()),
        Path("contact-async/", View.AsView<AsyncContact>()),
        Path("protected/", Nuages.Views.Decorators.ViewDecorators.CsrfProtect(View.AsView<AsyncContact>())));

    [Fact]
    public void Get_shows_the_form_and_post_redirects_or_shows_the_errors()
    {
        var client = new Client(Site());
        var page = client.Get("/contact/");
        Assert.Equal(200, page.StatusCode);
        Assert.Contains("<input type=\"email\" name=\"email\" maxlength=\"320\" required id=\"id_email\">", page.Text);
        Assert.Contains("name=\"csrfmiddlewaretoken\"", page.Text);
        var invalid = client.Post("/contact/", new { email = "nope", message = "hi" });
        Assert.Equal(200, invalid.StatusCode);
        Assert.Contains("<ul class=\"errorlist\" id=\"id_email_error\"><li>Enter a valid email address.</li></ul>", invalid.Text);
        Assert.Contains("<ul class=\"errorlist\" id=\"id_message_error\"><li>Ensure this value has at least 5 characters (it has 2).</li></ul>", invalid.Text);
        Assert.Contains("value=\"nope\"", invalid.Text); // nothing typed is lost
        var valid = client.Post("/contact/", new { email = "ann@example.com", message = "Hello there" });
        Assert.Equal(302, valid.StatusCode);
        Assert.Equal("/thanks/", valid["Location"]);
    }

    [Fact]
    public async Task The_async_view_validates_with_async_hooks_and_no_switch()
    {
        var client = new AsyncClient(Site());
        var page = await client.GetAsync("/contact-async/");
        Assert.Equal(0, page.Request.AdapterSwitches);
        var spam = await client.PostAsync("/contact-async/", new { email = "x@spam.example", message = "Buy now!" });
        Assert.Equal(200, spam.StatusCode);
        Assert.Contains("No spam, thanks.", spam.Text);
        var valid = await client.PostAsync("/contact-async/", new { email = "ann@example.com", message = "Hello async" });
        Assert.Equal(302, valid.StatusCode);
        Assert.Equal(0, valid.Request.AdapterSwitches);
        lock (AsyncContact.Sent) Assert.Contains("Hello async", AsyncContact.Sent);
    }

    [Fact]
    public void A_post_without_the_csrf_token_is_refused()
    {
        var client = new Client(Site(), enforceCsrfChecks: true);
        Assert.Equal(403, client.Post("/contact/", new { email = "ann@example.com", message = "Hello there" }).StatusCode);
    }

    [Fact]
    public async Task The_csrf_decorator_sets_its_cookie_once_the_template_used_the_token()
    {
        // as Django's decorator_from_middleware: process_response waits for the template response to render
        var client = new AsyncClient(Site(), enforceCsrfChecks: true);
        var page = await client.GetAsync("/protected/");
        Assert.True(page.Cookies.ContainsKey("csrftoken"));
        var token = System.Text.RegularExpressions.Regex.Match(page.Text, "name=\"csrfmiddlewaretoken\" value=\"([^\"]+)\"").Groups[1].Value;
        var sent = await client.PostAsync("/protected/", new { csrfmiddlewaretoken = token, email = "ann@example.com", message = "Hello decorated" });
        Assert.Equal(302, sent.StatusCode);
    }
}
