using Nuages.Apps;
using Nuages.Db.Migrations;

namespace Nuages.Contrib.Sessions;

/// <summary>
/// Django's <c>django.contrib.sessions</c> as an installed app: <c>s.InstalledApps.Add&lt;SessionsConfig&gt;()</c> gives
/// the <c>django_session</c> table (by a migration named as Django's, so a database Django migrated is read as
/// migrated) for the database session engines, and the <c>clearsessions</c> command. Add <see cref="SessionMiddleware"/>
/// to <c>Settings.Middleware</c> for <c>request.Session</c>.
/// </summary>
public sealed class SessionsConfig : AppConfig, IMigratedTables, Nuages.Channels.IConnectionSetup
{
    /// <summary>A WebSocket's scope gets the session its cookie names (Channels' <c>SessionMiddlewareStack</c>): <c>Scope.Request.Session</c>; save it yourself after changing it, as in Channels.</summary>
    public void SetUp(Nuages.Http.HttpRequest handshake)
    {
        ArgumentNullException.ThrowIfNull(handshake);
        SessionMiddleware.Open(handshake, handshake.Settings);
    }

    /// <summary>Django's table of sessions.</summary>
    public const string Table = "django_session";

    /// <inheritdoc/>
    public override string Label => "sessions";

    /// <inheritdoc/>
    public override string Name => typeof(SessionsConfig).Namespace!;

    /// <inheritdoc/>
    public override IReadOnlyList<Type> Models => [];

    /// <inheritdoc/>
    public override string MigrationsNamespace => typeof(SessionsConfig).Namespace + ".Migrations";

    /// <summary>
    /// <c>django_session</c>, as Django's Session model makes it: its key is text (<c>session_key</c>, 40 characters),
    /// which Nuages models do not have, so the app reads and writes it with SQL of its own.
    /// </summary>
    public IReadOnlyList<ModelState> MigratedTables => [new ModelState(Label, "Session", Fields, Table)];

    internal static IReadOnlyList<(string Name, Field Field)> Fields =>
    [
        ("session_key", Field.Key<string>(maxLength: 40)),
        ("session_data", Field.Of<string>()),
        ("expire_date", Field.Of<DateTimeOffset>(dbIndex: true)),
    ];
}
