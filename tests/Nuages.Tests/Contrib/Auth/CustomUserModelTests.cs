using Nuages.Contrib.Auth;
using Nuages.Test;
using static Nuages.Urls.Routes;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>A user model of a site's own: logs in by email, no username, no groups.</summary>
public sealed class EmailUser : AbstractBaseUser<EmailUser>
{
    [System.ComponentModel.DataAnnotations.MaxLength(254), Nuages.Db.Models.Unique] public string Email { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public override string UsernameField => "email";

    public override string GetUsername() => Email;

    protected override bool ActiveState => Enabled;
}

/// <summary>Settings.AuthUserModel: the backends, sessions and the login form work on a user model of the site's own.</summary>
public class CustomUserModelTests
{
    [Fact]
    public async Task A_user_model_of_your_own_logs_in_by_its_username_field()
    {
        var app = AuthTests.Site(configure: s => s.AuthUserModel = typeof(EmailUser).FullName!, extra: [Path("signin/", Nuages.Views.View.AsView<AsyncLoginView>())]);
        using (app.Enter())
        {
            Nuages.Db.Models.Schema.Migrate([typeof(EmailUser)]);
            var ann = new EmailUser { Email = "ann@example.com" };
            ann.SetPassword("pw");
            ann.Save();
            var off = new EmailUser { Email = "off@example.com", Enabled = false };
            off.SetPassword("pw");
            off.Save();
            var form = new AuthenticationForm();
            Assert.Equal(("Email", 254), (form.Username.Label, form.Username.MaxLength));
        }
        foreach (var login in new[] { "/login/", "/login-async/" })
        {
            var client = new AsyncClient(app);
            Assert.Equal("user ann@example.com", (await client.PostAsync(login, new { username = "ann@example.com", password = "pw" })).Text);
            Assert.Equal("user ann@example.com", (await client.GetAsync("/who-async/")).Text);
            Assert.Equal("user ann@example.com", (await client.GetAsync("/who/")).Text);
            Assert.Equal(401, (await new AsyncClient(app).PostAsync(login, new { username = "off@example.com", password = "pw" })).StatusCode); // not enabled
        }
        var viaForm = new AsyncClient(app);
        Assert.Equal("/accounts/profile/", (await viaForm.PostAsync("/signin/", new { username = "ann@example.com", password = "pw" }))["Location"]);
        using (app.Enter()) Assert.NotNull(EmailUser.Objects.Get("email", "ann@example.com").LastLogin);
    }
}
