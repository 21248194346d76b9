using Microsoft.Extensions.Configuration;
using Nuages.Conf;

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
        var error = Assert.Throws<ImproperlyConfiguredException>(() => NuagesApp.Create([], Config()));
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
        var error = Assert.Throws<ImproperlyConfiguredException>(() => NuagesApp.Create([], Config(("Nuages:Debug", "yes"))));
        Assert.Equal("The Debug setting must be true or false, not 'yes'.", error.Message);
    }

    [Fact]
    public void An_unknown_charset_is_refused()
    {
        var error = Assert.Throws<ImproperlyConfiguredException>(() => NuagesApp.Create([], Config(), s =>
        {
            s.Debug = true;
            s.DefaultCharset = "klingon-8";
        }));
        Assert.Contains("klingon-8", error.Message);
    }
}
