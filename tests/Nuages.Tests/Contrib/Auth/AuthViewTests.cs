using Nuages.Contrib.Auth;
using Nuages.Http;
using Nuages.Test;
using Nuages.Tests.Db;
using Nuages.Views;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>Django's LoginView and LogoutView, sync and async, the AuthenticationForm as Django renders it, and the auth context processor.</summary>
[Collection("auth-postgres")]
public class AuthViewTests
{
    private static readonly string Dirs = CreateTemplates();

    private static string CreateTemplates()
    {
        var dirs = Directory.CreateTempSubdirectory("nuages-authviews-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(dirs, "registration"));
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "login.html"), "<form method=\"post\">{% csrf_token %}{{ form }}<input type=\"hidden\" name=\"next\" value=\"{{ next }}\"></form>");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "logged_out.html"), "{{ title }}: {{ user.is_authenticated }}");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_change_form.html"), "{{ title }}<form method=\"post\">{{ form.as_p }}</form>");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_change_done.html"), "{{ title }}");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_reset_form.html"), "{{ title }}<form method=\"post\">{{ form.as_p }}</form>");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_reset_done.html"), "{{ title }}");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_reset_subject.txt"), "Password reset\non {{ site_name }}\n");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_reset_email.html"), "Hello {{ user.username }}: {{ protocol }}://{{ domain }}/reset/{{ uid }}/{{ token }}/");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_reset_confirm.html"), "{{ title }}|{% if validlink %}{{ form.as_p }}{% else %}invalid{% endif %}");
        File.WriteAllText(System.IO.Path.Combine(dirs, "registration", "password_reset_complete.html"), "{{ title }} {{ login_url }}");
        File.WriteAllText(System.IO.Path.Combine(dirs, "who.html"), "{% if user.is_authenticated %}{{ user.username }}{% else %}nobody{% endif %}|{{ perms.auth }}|{{ perms.auth.view_user }}|{% if 'auth.view_user' in perms %}yes{% else %}no{% endif %}");
        return dirs;
    }

    public static HttpResponse Who(HttpRequest request) => Shortcuts.Render(request, "who.html");

    public static Task<HttpResponse> WhoAsync(HttpRequest request) => Shortcuts.RenderAsync(request, "who.html");

    private static NuagesApp Site(string database = "sqlite") => AuthTests.Site(database, configure: s =>
    {
        s.Templates.Dirs.Add(Dirs);
        s.Templates.ContextProcessors.Add("django.contrib.auth.context_processors.auth");
        s.LoginRedirectUrl = "/home/";
        s.EmailBackend = "locmem";
    }, extra:
    [
        Path("accounts/login/", View.AsView<LoginView>()),
        Path("accounts/login-async/", View.AsView<AsyncLoginView>()),
        Path("accounts/logout/", View.AsView<LogoutView>()),
        Path("accounts/logout-async/", View.AsView<AsyncLogoutView>(v => v.NextPage = "/bye/")),
        Path("password/", View.AsView<PasswordChangeView>()),
        Path("password-async/", View.AsView<AsyncPasswordChangeView>()),
        Path("password/done/", View.AsView<PasswordChangeDoneView>(), name: "password_change_done"),
        Path("reset/", View.AsView<PasswordResetView>()),
        Path("reset/done/", View.AsView<PasswordResetDoneView>(), name: "password_reset_done"),
        Path("reset/<uidb64>/<token>/", View.AsView<PasswordResetConfirmView>(), name: "password_reset_confirm"),
        Path("reset/complete/", View.AsView<PasswordResetCompleteView>(), name: "password_reset_complete"),
        Path("areset/", View.AsView<AsyncPasswordResetView>()),
        Path("areset/<uidb64>/<token>/", View.AsView<AsyncPasswordResetConfirmView>()),
        Path("page/", Who),
        Path("page-async/", WhoAsync),
    ]);

    [Fact]
    public async Task The_login_form_renders_as_Djangos_and_refuses_wrong_pairs_with_Djangos_message()
    {
        var app = Site();
        AuthTests.CreateUser(app, "ann", "pw");
        var client = new AsyncClient(app);
        var page = await client.GetAsync("/accounts/login/?next=/page/");
        Assert.Contains("<input type=\"text\" name=\"username\" autofocus autocapitalize=\"none\" autocomplete=\"username\" maxlength=\"150\" required id=\"id_username\">", page.Text);
        Assert.Contains("<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required id=\"id_password\">", page.Text);
        Assert.Contains("<input type=\"hidden\" name=\"next\" value=\"/page/\">", page.Text);
        Assert.Equal("max-age=0, no-cache, no-store, must-revalidate, private", page["Cache-Control"]); // never_cache, as Django writes it
        foreach (var path in new[] { "/accounts/login/", "/accounts/login-async/" })
        {
            var wrong = await client.PostAsync(path, new { username = "ann", password = "nope" });
            Assert.Equal(200, wrong.StatusCode);
            Assert.Contains("<ul class=\"errorlist nonfield\"><li>Please enter a correct username and password. Note that both fields may be case-sensitive.</li></ul>", wrong.Text);
            Assert.Contains("value=\"ann\"", wrong.Text);
        }
    }

    [Fact]
    public Task A_login_goes_to_a_safe_next_or_the_default_and_logout_is_post_only() => A_login_goes_to_a_safe_next_or_the_default_and_logout_is_post_only_with("sqlite");

    [PostgresFact]
    public async Task A_login_goes_to_a_safe_next_or_the_default_and_logout_is_post_only_on_postgres()
    {
        await A_login_goes_to_a_safe_next_or_the_default_and_logout_is_post_only_with("postgres");
    }

    private static async Task A_login_goes_to_a_safe_next_or_the_default_and_logout_is_post_only_with(string database)
    {
        var app = Site(database);
        AuthTests.CreateUser(app, "ann", "pw");
        foreach (var (login, logout) in new[] { ("/accounts/login/", "/accounts/logout/"), ("/accounts/login-async/", "/accounts/logout-async/") })
        {
            var client = new AsyncClient(app);
            Assert.Equal("/page/", (await client.PostAsync(login, new { username = "ann", password = "pw", next = "/page/" }))["Location"]);
            Assert.Equal("ann||", (await client.GetAsync("/page/")).Text.Split('|')[0] + "||");
            var async = await client.GetAsync("/page-async/");
            Assert.StartsWith("ann|", async.Text);
            Assert.Equal(0, async.Request.AdapterSwitches); // the template's user was read with async I/O
            foreach (var hostile in new[] { "//evil.com/", "https://evil.com/", "/\\evil.com", "javascript:alert(1)" })
                Assert.Equal("/home/", (await client.PostAsync(login, new { username = "ann", password = "pw", next = hostile }))["Location"]);
            Assert.Equal(405, (await client.GetAsync(logout)).StatusCode);
            var bye = await client.PostAsync(logout);
            if (logout.EndsWith("async/", StringComparison.Ordinal)) Assert.Equal("/bye/", bye["Location"]);
            else Assert.Equal("Logged out: False", bye.Text);
            Assert.Equal("nobody|False|False|no", (await client.GetAsync("/page/")).Text);
        }
    }

    [Fact]
    public Task A_password_change_checks_the_old_one_keeps_this_session_and_ends_the_others() => A_password_change_checks_the_old_one_keeps_this_session_and_ends_the_others_with("sqlite");

    [PostgresFact]
    public async Task A_password_change_checks_the_old_one_keeps_this_session_and_ends_the_others_on_postgres()
    {
        await A_password_change_checks_the_old_one_keeps_this_session_and_ends_the_others_with("postgres");
    }

    private static async Task A_password_change_checks_the_old_one_keeps_this_session_and_ends_the_others_with(string database)
    {
        var app = Site(database);
        AuthTests.CreateUser(app, "ann", "first");
        var password = "first";
        foreach (var path in new[] { "/password/", "/password-async/" })
        {
            var client = new AsyncClient(app);
            var other = new AsyncClient(app);
            Assert.Equal("/accounts/login/?next=" + path, (await client.GetAsync(path))["Location"]); // for logged-in users only
            await client.PostAsync("/accounts/login/", new { username = "ann", password });
            await other.PostAsync("/accounts/login/", new { username = "ann", password });
            var page = await client.GetAsync(path);
            Assert.StartsWith("Password change<form", page.Text);
            var fields = System.Text.RegularExpressions.Regex.Matches(page.Text, "name=\"(\\w+)\"").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(["old_password", "new_password1", "new_password2"], fields);
            Assert.Contains("<input type=\"password\" name=\"old_password\" autocomplete=\"current-password\" autofocus required id=\"id_old_password\">", page.Text);

            var wrong = await client.PostAsync(path, new { old_password = "nope", new_password1 = "second-pw", new_password2 = "second-pw" });
            Assert.Contains("<li>Your old password was entered incorrectly. Please enter it again.</li>", wrong.Text);
            var mismatch = await client.PostAsync(path, new { old_password = password, new_password1 = "second-pw", new_password2 = "second-px" });
            Assert.Contains("<li>The two password fields didn’t match.</li>", mismatch.Text);

            var next = password + "-next";
            var done = await client.PostAsync(path, new { old_password = password, new_password1 = next, new_password2 = next });
            Assert.Equal("/password/done/", done["Location"]);
            password = next;
            Assert.Equal("Password change successful", (await client.GetAsync("/password/done/")).Text);
            Assert.StartsWith("ann|", (await client.GetAsync("/page/")).Text); // this session kept
            Assert.StartsWith("nobody|", (await other.GetAsync("/page/")).Text); // the other one logged out
        }
        using (app.Enter()) Assert.True(User.Objects.Get("username", "ann").CheckPassword("first-next-next"));
    }

    [Theory]
    [InlineData("/reset/")]
    [InlineData("/areset/")]
    public Task A_reset_link_is_mailed_works_once_and_tells_nothing_of_unknown_addresses(string prefix) => A_reset_link_is_mailed_works_once_and_tells_nothing_of_unknown_addresses_with("sqlite", prefix);

    [PostgresFact]
    public async Task A_reset_link_is_mailed_works_once_and_tells_nothing_of_unknown_addresses_on_postgres()
    {
        await A_reset_link_is_mailed_works_once_and_tells_nothing_of_unknown_addresses_with("postgres", "/reset/");
        await A_reset_link_is_mailed_works_once_and_tells_nothing_of_unknown_addresses_with("postgres", "/areset/");
    }

    private static async Task A_reset_link_is_mailed_works_once_and_tells_nothing_of_unknown_addresses_with(string database, string prefix)
    {
        var app = Site(database);
        using (app.Enter()) UserManager.CreateUser("ann", "ann@example.com", "forgotten");
        var client = new AsyncClient(app);
        Assert.StartsWith("Password reset<form", (await client.GetAsync(prefix)).Text);
        Assert.Equal("/reset/done/", (await client.PostAsync(prefix, new { email = "nobody@example.com" }))["Location"]);
        using (app.Enter()) Assert.Empty(Nuages.Core.Mail.Outbox);
        var sent = await client.PostAsync(prefix, new { email = "ANN@example.com" });
        Assert.Equal("/reset/done/", sent["Location"]);
        if (prefix == "/areset/") Assert.Equal(0, sent.Request.AdapterSwitches); // the users read and the mail sent with async I/O
        Assert.Equal("Password reset sent", (await client.GetAsync("/reset/done/")).Text);

        Nuages.Core.EmailMessage mail;
        using (app.Enter()) mail = Assert.Single(Nuages.Core.Mail.Outbox);
        Assert.Equal("Password reseton testserver", mail.Subject); // one line, as Django joins it
        Assert.Equal(["ann@example.com"], mail.To);
        var link = prefix + System.Text.RegularExpressions.Regex.Match(mail.Body, "http://testserver/reset/([^ ]+/)$").Groups[1].Value;
        Assert.StartsWith(prefix + "MQ/", link); // the id 1 in URL-safe base64, as Django's uid

        var redirect = await client.GetAsync(link);
        Assert.Equal(prefix + "MQ/set-password/", redirect["Location"]); // the token leaves the URL for the session
        var form = await client.GetAsync(prefix + "MQ/set-password/");
        Assert.StartsWith("Enter new password|<p>", form.Text);
        var mismatch = await client.PostAsync(prefix + "MQ/set-password/", new { new_password1 = "brand-new-1", new_password2 = "brand-new-2" });
        Assert.Contains("The two password fields didn’t match.", mismatch.Text);
        var done = await client.PostAsync(prefix + "MQ/set-password/", new { new_password1 = "brand-new-1", new_password2 = "brand-new-1" });
        Assert.Equal("/reset/complete/", done["Location"]);
        if (prefix == "/areset/") Assert.Equal(0, done.Request.AdapterSwitches);
        Assert.Equal("Password reset complete /accounts/login/", (await client.GetAsync("/reset/complete/")).Text);
        using (app.Enter()) Assert.True(User.Objects.Get("username", "ann").CheckPassword("brand-new-1"));

        // the link is dead now (the password changed), and so is a forged one
        Assert.Equal("Password reset unsuccessful|invalid", (await new AsyncClient(app).GetAsync(link)).Text);
        Assert.Equal("Password reset unsuccessful|invalid", (await new AsyncClient(app).GetAsync(prefix + "MQ/set-password/")).Text);
        Assert.Equal("Password reset unsuccessful|invalid", (await new AsyncClient(app).GetAsync(prefix + "!!!/abc-def/")).Text);
    }
}
