using Nuages.Contrib.Auth;
using Nuages.Management;
using Nuages.Tests.Db;

namespace Nuages.Tests.Contrib.Auth;

/// <summary>createsuperuser and changepassword as Django's commands answer, and UserManager's users.</summary>
[Collection("auth-postgres")]
public class AuthCommandTests
{
    private static async Task<(int Code, string Output, string Error)> Run(NuagesApp app, string input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await new CommandLine(app, output, error, new StringReader(input)).RunAsync(args, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public Task Createsuperuser_asks_twice_or_reads_the_environment_and_refuses_a_taken_name() => Createsuperuser_asks_twice_or_reads_the_environment_and_refuses_a_taken_name_with("sqlite");

    [PostgresFact]
    public async Task Createsuperuser_asks_twice_or_reads_the_environment_and_refuses_a_taken_name_on_postgres()
    {
        await Createsuperuser_asks_twice_or_reads_the_environment_and_refuses_a_taken_name_with("postgres");
    }

    private static async Task Createsuperuser_asks_twice_or_reads_the_environment_and_refuses_a_taken_name_with(string database)
    {
        var app = AuthTests.Site(database);
        var (code, output, error) = await Run(app, "root\nroot@EXAMPLE.com\none\ntwo\n \n \ns3cret\ns3cret\n", "createsuperuser");
        Assert.Equal(0, code);
        Assert.Equal("Username (leave blank to use '" + Environment.UserName.ToLowerInvariant() + "'): Email address: Password: Password (again): Password: Password (again): Password: Password (again): Superuser created successfully.\n", output);
        Assert.Equal("Error: Your passwords didn't match.\nError: Blank passwords aren't allowed.\n", error);
        using (app.Enter())
        {
            var root = User.Objects.Get("username", "root");
            Assert.Equal(("root@example.com", true, true, true), (root.Email, root.IsStaff, root.IsSuperuser, root.CheckPassword("s3cret")));
        }

        Assert.Equal((1, "", "CommandError: You must use --username with --noinput.\n"), await Run(app, "", "createsuperuser", "--noinput"));
        Assert.Equal((1, "", "CommandError: Error: That username is already taken.\n"), await Run(app, "", "createsuperuser", "--noinput", "--username", "root"));
        Environment.SetEnvironmentVariable("NUAGES_SUPERUSER_PASSWORD", "from-env");
        try
        {
            Assert.Equal((0, "Superuser created successfully.\n", ""), await Run(app, "", "createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.com"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NUAGES_SUPERUSER_PASSWORD", null);
        }
        using (app.Enter()) Assert.True(User.Objects.Get("username", "ops").CheckPassword("from-env"));
    }

    [Fact]
    public Task Changepassword_gives_three_tries() => Changepassword_gives_three_tries_with("sqlite");

    [PostgresFact]
    public async Task Changepassword_gives_three_tries_on_postgres()
    {
        await Changepassword_gives_three_tries_with("postgres");
    }

    private static async Task Changepassword_gives_three_tries_with(string database)
    {
        var app = AuthTests.Site(database);
        AuthTests.CreateUser(app, "ann", "old");
        Assert.Equal((1, "", "CommandError: user 'nobody' does not exist\n"), await Run(app, "", "changepassword", "nobody"));
        var (code, output, error) = await Run(app, "a\nb\nnew\nnew\n", "changepassword", "ann");
        Assert.Equal(0, code);
        Assert.Equal("Changing password for user 'ann'\nPassword: Password (again): Password: Password (again): Password changed successfully for user 'ann'\n", output);
        Assert.Equal("Passwords do not match. Please try again.\n", error);
        using (app.Enter()) Assert.True(User.Objects.Get("username", "ann").CheckPassword("new"));
        var failed = await Run(app, "a\nb\nc\nd\ne\nf\n", "changepassword", "ann");
        Assert.Equal(1, failed.Code);
        Assert.EndsWith("CommandError: Aborting password change for user 'ann' after 3 attempts\n", failed.Error);
    }

    [Fact]
    public async Task UserManager_makes_users_and_superusers_as_Django()
    {
        var app = AuthTests.Site();
        using var scope = app.Enter();
        var ann = UserManager.CreateUser("ann", "Ann@EXAMPLE.COM", "pw");
        Assert.Equal("Ann@example.com", ann.Email);
        Assert.False(ann.IsStaff);
        Assert.True(User.Objects.Get("pk", ann.Id).CheckPassword("pw"));
        var nopw = await UserManager.CreateUserAsync("bob");
        Assert.False(nopw.HasUsablePassword());
        var root = await UserManager.CreateSuperuserAsync("root", null, "pw");
        Assert.True(root.IsStaff && root.IsSuperuser);
        Assert.Equal("Superuser must have is_staff=True. (Parameter 'extra')",
            Assert.Throws<ArgumentException>(() => UserManager.CreateSuperuser("x", null, "pw", u => u.IsStaff = false)).Message);
        Assert.Equal("The given username must be set (Parameter 'username')", Assert.Throws<ArgumentException>(() => UserManager.CreateUser("")).Message);
    }
}
