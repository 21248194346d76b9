using Nuages.Contrib.Auth;
using Nuages.Test;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>The header's user, for the tests: X-Remote-User, as a trusted proxy would send it.</summary>
public sealed class HeaderRemoteUserMiddleware(Nuages.Middleware.Next next) : RemoteUserMiddleware(next)
{
    protected override string Header => "HTTP_X_REMOTE_USER";
}

/// <summary>Django's RemoteUserMiddleware and RemoteUserBackend, sync and async.</summary>
public class RemoteUserTests
{
    [Fact]
    public async Task The_header_logs_its_user_in_makes_unknown_ones_and_its_absence_logs_out()
    {
        var app = AuthTests.Site(configure: s =>
        {
            s.Middleware.Add(typeof(HeaderRemoteUserMiddleware).FullName!);
            s.AuthenticationBackends = ["django.contrib.auth.backends.RemoteUserBackend"];
        });
        foreach (var path in new[] { "/who/", "/who-async/" })
        {
            var client = new AsyncClient(app);
            var carol = await client.GetAsync(path, headers: new Dictionary<string, string> { ["X-Remote-User"] = "carol" });
            Assert.Equal("user carol", carol.Text);
            if (path == "/who-async/") Assert.Equal(0, carol.Request.AdapterSwitches);
            Assert.Equal("user carol", (await client.GetAsync(path, headers: new Dictionary<string, string> { ["X-Remote-User"] = "carol" })).Text);
            Assert.Equal("user dave", (await client.GetAsync(path, headers: new Dictionary<string, string> { ["X-Remote-User"] = "dave" })).Text);
            Assert.Equal("anonymous", (await client.GetAsync(path)).Text); // no header: logged out
        }
        using (app.Enter())
        {
            var carol = User.Objects.Get("username", "carol");
            Assert.False(carol.HasUsablePassword()); // made by the backend, with no password to log in with
            Assert.Equal(2, User.Objects.Count());
        }
    }
}
