using Microsoft.Extensions.Configuration;
using Nuages.Conf;
using Nuages.Core;

namespace Nuages.Tests.Conf;

public class SettingsTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults_are_Djangos()
    {
        var settings = new Settings();
        Assert.False(settings.Debug);
        Assert.Equal("utf-8", settings.DefaultCharset);
        Assert.True(settings.AppendSlash);
        Assert.Equal(2_621_440, settings.DataUploadMaxMemorySize);
        Assert.Equal(1000, settings.DataUploadMaxNumberFields);
        Assert.Equal(2_621_440, settings.FileUploadMaxMemorySize);
        Assert.Equal(32, settings.SyncWorkers);
        Assert.Empty(settings.AllowedHosts);
    }

    [Fact]
    public void Configuration_overrides_code_and_lists_replace_rather_than_extend()
    {
        var app = NuagesApp.Create([], Config(("Nuages:Debug", "true"), ("Nuages:AllowedHosts:0", "example.com"), ("Nuages:DataUploadMaxMemorySize", "null")),
            s =>
            {
                s.AllowedHosts = ["from-code.test"];
                s.SecretKey = "k";
            });
        Assert.True(app.Settings.Debug);
        Assert.Equal(["example.com"], app.Settings.AllowedHosts);
        Assert.Null(app.Settings.DataUploadMaxMemorySize);
    }

    [Fact]
    public void Environment_style_keys_set_settings_and_comma_lists()
    {
        // NUAGES__AllowedHosts=a.test,b.test arrives as the key "NUAGES:AllowedHosts".
        var app = NuagesApp.Create([], Config(("NUAGES:AllowedHosts", "a.test, b.test"), ("NUAGES:SecretKey", "from-env")));
        Assert.Equal(["a.test", "b.test"], app.Settings.AllowedHosts);
        Assert.Equal("from-env", app.Settings.SecretKey);
    }

    [Fact]
    public void Missing_secret_key_without_debug_fails_at_startup_naming_the_setting()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => NuagesApp.Create([], Config()));
        Assert.Contains("SecretKey setting must not be empty", error.Message);
        Assert.Contains("NUAGES__SecretKey", error.Message);
    }

    [Fact]
    public void Debug_needs_no_secret_key()
    {
        var app = NuagesApp.Create([], Config(), s => s.Debug = true);
        Assert.True(app.Settings.Debug);
    }

    [Fact]
    public void A_malformed_value_is_an_error_naming_the_setting_and_value()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => NuagesApp.Create([], Config(("Nuages:Debug", "yes"))));
        Assert.Equal("The setting Nuages:Debug (NUAGES__Debug) must be true or false, not 'yes'.", error.Message);
    }

    [Fact]
    public void An_unknown_charset_is_refused()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => NuagesApp.Create([], Config(), s =>
        {
            s.Debug = true;
            s.DefaultCharset = "klingon-8";
        }));
        Assert.Contains("klingon-8", error.Message);
    }

    /// <summary>
    /// A value for every public settable property of Settings, as appsettings.json and as environment variables would
    /// give it, and what the property must then hold. A property of a type this table lacks fails the test: a new
    /// setting cannot be added without being shown to be read.
    /// </summary>
    private static (string Json, (string Key, string Value)[] Env, Func<Settings, bool> Bound)? Sample(System.Reflection.PropertyInfo property)
    {
        var name = property.Name;
        var type = property.PropertyType;
        var nullable = Nullable.GetUnderlyingType(type);
        string text = name switch
        {
            nameof(Settings.DefaultCharset) => "utf-16",
            nameof(Settings.DefaultContentType) => "text/plain",
            nameof(Settings.XFrameOptions) => "SAMEORIGIN",
            nameof(Settings.CsrfCookieSameSite) => "Strict",
            nameof(Settings.SessionCookieSameSite) => "Strict",
            nameof(Settings.SecretKey) => "from-configuration",
            _ => "value-of-" + name,
        };
        object? expected;
        string jsonValue;
        if (type == typeof(bool)) { var flip = !(bool)property.GetValue(new Settings())!; expected = flip; jsonValue = flip ? "true" : "false"; text = jsonValue; }
        else if ((nullable ?? type) == typeof(int)) { expected = 7; jsonValue = text = "7"; }
        else if ((nullable ?? type) == typeof(long)) { expected = 12345L; jsonValue = text = "12345"; }
        else if ((nullable ?? type) == typeof(double)) { expected = 1234.5; jsonValue = text = "1234.5"; }
        else if ((nullable ?? type) == typeof(TimeSpan)) { expected = TimeSpan.FromSeconds(7); text = "00:00:07"; jsonValue = "\"00:00:07\""; }
        else if (type == typeof(string)) { expected = text; jsonValue = $"\"{text}\""; }
        else if (name == nameof(Settings.InstalledApps))
        {
            string[] apps = [typeof(Nuages.Tests.Apps.Blog.BlogConfig).FullName!, typeof(Nuages.Tests.Apps.Shop.ShopApp).FullName!];
            return ($"\"{name}\": [\"{apps[0]}\", \"{apps[1]}\"]", [(name, string.Join(",", apps))], s => s.InstalledApps.SequenceEqual(apps));
        }
        else if (type == typeof(List<string>))
        {
            return ($"\"{name}\": [\"a.example\", \"b.example\"]", [(name, "a.example,b.example")],
                s => ((List<string>)property.GetValue(s)!).SequenceEqual(["a.example", "b.example"]));
        }
        else if (type == typeof(Dictionary<string, object?>))
        {
            return ($"\"{name}\": {{ \"default-src\": [\"'self'\", \"cdn.example\"] }}", [(name + "__default-src", "'self',cdn.example")],
                s => ((Dictionary<string, object?>)property.GetValue(s)!)["default-src"] is List<string> sources && sources.SequenceEqual(["'self'", "cdn.example"]));
        }
        else if (type == typeof(TemplateSettings))
        {
            return ($"\"{name}\": {{ \"Dirs\": [\"t1\", \"t2\"], \"AppDirs\": false, \"StringIfInvalid\": \"INVALID\", \"Libraries\": {{ \"extras\": \"Nuages.Tests.Templates.SampleTags\" }} }}",
                [(name + "__Dirs", "t1,t2"), (name + "__AppDirs", "false"), (name + "__StringIfInvalid", "INVALID"), (name + "__Libraries__extras", "Nuages.Tests.Templates.SampleTags")],
                s => s.Templates.Dirs.SequenceEqual(["t1", "t2"]) && !s.Templates.AppDirs && s.Templates.StringIfInvalid == "INVALID" && s.Templates.Libraries["extras"] == "Nuages.Tests.Templates.SampleTags");
        }
        else if (type == typeof(Dictionary<string, Nuages.Db.DatabaseSettings>))
        {
            return ($"\"{name}\": {{ \"cfg\": {{ \"Engine\": \"Postgres\", \"ConnectionString\": \"Host=db;Database=shop\", \"MaxPoolSize\": 9 }} }}",
                [(name + "__cfg__Engine", "Postgres"), (name + "__cfg__ConnectionString", "Host=db;Database=shop"), (name + "__cfg__MaxPoolSize", "9")],
                s => s.Databases["cfg"] is { Engine: Nuages.Db.DatabaseEngine.Postgres, ConnectionString: "Host=db;Database=shop", MaxPoolSize: 9 });
        }
        else if (type == typeof(Dictionary<string, string>))
        {
            return ($"\"{name}\": {{ \"40\": \"danger\" }}", [(name + "__40", "danger")],
                s => ((Dictionary<string, string>)property.GetValue(s)!)["40"] == "danger");
        }
        else if (type == typeof(Dictionary<string, CacheSettings>))
        {
            return ($"\"{name}\": {{ \"cfg\": {{ \"Backend\": \"redis\", \"Location\": \"redis://cache:6379/1\", \"Timeout\": null, \"Options\": {{ \"connectTimeout\": \"900\" }} }} }}",
                [(name + "__cfg__Backend", "redis"), (name + "__cfg__Location", "redis://cache:6379/1"), (name + "__cfg__Timeout", "null"), (name + "__cfg__Options__connectTimeout", "900")],
                s => s.Caches["cfg"] is { Backend: "redis", Location: "redis://cache:6379/1", Timeout: null } cache && cache.Options["connectTimeout"] == "900" && s.Caches.ContainsKey("default"));
        }
        else if (type == typeof(Dictionary<string, ChannelLayerSettings>))
        {
            return ($"\"{name}\": {{ \"cfg\": {{ \"Backend\": \"inmemory\", \"Capacity\": 5, \"ChannelCapacity\": {{ \"small.*\": 2 }} }} }}",
                [(name + "__cfg__Backend", "inmemory"), (name + "__cfg__Capacity", "5"), (name + "__cfg__ChannelCapacity__small.*", "2")],
                s => s.ChannelLayers["cfg"] is { Backend: "inmemory", Capacity: 5 } layer && layer.ChannelCapacity["small.*"] == 2);
        }
        else if (type == typeof(List<PasswordValidatorSettings>))
        {
            return ($"\"{name}\": [{{ \"Name\": \"django.contrib.auth.password_validation.MinimumLengthValidator\", \"Options\": {{ \"min_length\": \"9\" }} }}]",
                [(name + "__0__Name", "django.contrib.auth.password_validation.MinimumLengthValidator"), (name + "__0__Options__min_length", "9")],
                s => s.AuthPasswordValidators is [{ Name: "django.contrib.auth.password_validation.MinimumLengthValidator" } only] && only.Options["min_length"] == "9");
        }
        else if (type == typeof(List<Nuages.Db.IDatabaseRouter>)) return null; // C# objects: code only, shown below
        else throw new InvalidOperationException($"Settings.{name} is a {type}: give it a sample here, and make sure configuration can set it.");
        return ($"\"{name}\": {jsonValue}", [(name, text)], s => Equals(property.GetValue(s), expected));
    }

    public static TheoryData<string> SettingNames()
    {
        var names = new TheoryData<string>();
        foreach (var property in typeof(Settings).GetProperties().Where(p => p.SetMethod is { IsPublic: true })) names.Add(property.Name);
        return names;
    }

    [Theory]
    [MemberData(nameof(SettingNames))]
    public void Every_setting_is_read_from_appsettings_json_and_from_NUAGES_environment_variables(string name)
    {
        var property = typeof(Settings).GetProperty(name)!;
        if (Sample(property) is not var (json, env, bound))
        {
            var error = Assert.Throws<ImproperlyConfigured>(() => NuagesApp.Create([], Config(("Nuages:" + name + ":0", "Some.Router")), s => s.Debug = true));
            Assert.Equal($"The setting Nuages:{name} (NUAGES__{name}) can only be set in code: {name} holds List<IDatabaseRouter>, which configuration cannot express.", error.Message);
            return;
        }
        // appsettings.json
        var document = $"{{ \"Nuages\": {{ \"Debug\": true, {json} }} }}".Replace("\"Debug\": true, \"Debug\": false", "\"Debug\": false", StringComparison.Ordinal);
        if (name == nameof(Settings.Debug)) document = $"{{ \"Nuages\": {{ {json}, \"SecretKey\": \"k\" }} }}";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(document));
        var fromJson = NuagesApp.Create([], new ConfigurationBuilder().AddJsonStream(stream).Build());
        Assert.True(bound(fromJson.Settings), $"{name} was not read from appsettings.json: {document}");

        // NUAGES__* environment variables (a prefix of this test's own keeps other tests' sites from seeing them)
        var prefix = $"T{Guid.NewGuid():N}_";
        var variables = env.Select(e => (Name: $"{prefix}NUAGES__{e.Key}", e.Value)).ToList();
        if (name != nameof(Settings.SecretKey)) variables.Add(($"{prefix}NUAGES__SecretKey", "k"));
        if (name != nameof(Settings.Debug)) variables.Add(($"{prefix}NUAGES__Debug", "true"));
        try
        {
            foreach (var (variable, value) in variables) Environment.SetEnvironmentVariable(variable, value);
            var fromEnv = NuagesApp.Create([], new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());
            Assert.True(bound(fromEnv.Settings), $"{name} was not read from NUAGES__{name}");
        }
        finally
        {
            foreach (var (variable, _) in variables) Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void An_unknown_key_fails_naming_it_and_the_closest_setting()
    {
        var error = Assert.Throws<ImproperlyConfigured>(() => NuagesApp.Create([], Config(("Nuages:SecureSslRedirec", "true"), ("Nuages:Debug", "true"))));
        Assert.Equal("The setting Nuages:SecureSslRedirec (NUAGES__SecureSslRedirec) is not a setting: Settings has no property 'SecureSslRedirec'. Did you mean 'SecureSslRedirect'?", error.Message);
    }

    [Theory]
    [InlineData("Nuages:SyncWorkers", "many", "The setting Nuages:SyncWorkers (NUAGES__SyncWorkers) must be a whole number, not 'many'.")]
    [InlineData("Nuages:DataUploadMaxMemorySize", "2MB", "The setting Nuages:DataUploadMaxMemorySize (NUAGES__DataUploadMaxMemorySize) must be a whole number or null, not '2MB'.")]
    [InlineData("Nuages:ShutdownTimeout", "soon", "The setting Nuages:ShutdownTimeout (NUAGES__ShutdownTimeout) must be a time span (00:00:30) or a number of seconds, not 'soon'.")]
    [InlineData("Nuages:SecureHstsSeconds", "-1", "The SecureHstsSeconds setting must not be negative, not -1.")]
    [InlineData("Nuages:XFrameOptions", "ALLOW", "The XFrameOptions setting must be DENY or SAMEORIGIN, not 'ALLOW'.")]
    [InlineData("Nuages:Databases:x:TransactionMode", "LAZY", "The setting Nuages:Databases:x:TransactionMode (NUAGES__Databases__x__TransactionMode) must be one of Immediate, Deferred, Exclusive, not 'LAZY'.")]
    [InlineData("Nuages:Databases:x:MaxPools", "3", "The setting Nuages:Databases:x:MaxPools (NUAGES__Databases__x__MaxPools) is not a database option: DatabaseSettings has no property 'MaxPools'.")]
    public void Values_of_the_wrong_type_or_out_of_range_fail_naming_the_key(string key, string value, string message)
    {
        var values = new List<(string, string?)> { ("Nuages:Debug", "true"), (key, value) };
        if (key.StartsWith("Nuages:Databases", StringComparison.Ordinal)) values.AddRange([("Nuages:Databases:x:Engine", "Sqlite"), ("Nuages:Databases:x:Path", "x.sqlite3")]);
        var error = Assert.Throws<ImproperlyConfigured>(() => NuagesApp.Create([], Config([.. values])));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Nullable_settings_take_null_from_configuration()
    {
        var app = NuagesApp.Create([], Config(("Nuages:Debug", "true"), ("Nuages:DataUploadMaxMemorySize", "null"), ("Nuages:ResponseWriteTimeout", ""), ("Nuages:SecureReferrerPolicy", "null")));
        Assert.Null(app.Settings.DataUploadMaxMemorySize);
        Assert.Null(app.Settings.ResponseWriteTimeout);
        Assert.Null(app.Settings.SecureReferrerPolicy);
    }

    [Fact]
    public void The_settings_reference_lists_every_setting()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(System.IO.Path.Combine(root.FullName, "Nuages.slnx"))) root = root.Parent!;
        var reference = File.ReadAllText(System.IO.Path.Combine(root.FullName, "docs", "settings.md"));
        var missing = typeof(Settings).GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name)
            .Where(name => !reference.Contains($"| `{name}` |", StringComparison.Ordinal)).ToList();
        Assert.Empty(missing);
    }
}
