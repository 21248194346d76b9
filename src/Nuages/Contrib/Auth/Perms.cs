using System.Runtime.CompilerServices;
using Nuages.Db.Query;

namespace Nuages.Contrib.Auth;

/// <summary>A user model with Django's <c>PermissionsMixin</c> relations: its own permissions and its groups.</summary>
internal interface IPermissionsUser
{
    QuerySet<Permission> OwnPermissions();

    QuerySet<Group> OwnGroups();
}

/// <summary>
/// Permissions as Django's <c>ModelBackend</c> and <c>PermissionsMixin</c> give them: an active superuser has them all;
/// an active user has their own and their groups' (read once per user object, as Django caches them); inactive and
/// anonymous users have none. Names are <c>app_label.codename</c> (<c>blog.change_post</c>).
/// </summary>
public static class Perms
{
    private static readonly ConditionalWeakTable<IUser, HashSet<string>> Cache = [];

    /// <summary>The user's permissions, their own and their groups' (Django's <c>get_all_permissions</c>).</summary>
    public static IReadOnlySet<string> GetAllPermissions(IUser user)
    {
        if (!user.IsActive || user.IsAnonymous || user is not IPermissionsUser holder) return new HashSet<string>();
        if (Cache.TryGetValue(user, out var known)) return known;
        var groups = holder.OwnGroups().ValuesList<long>("id").ToList();
        var rows = holder.OwnPermissions().ValuesList("content_type__app_label", "codename").ToList();
        if (groups.Count > 0) rows.AddRange(Permission.Objects.Filter("group__in", groups).ValuesList("content_type__app_label", "codename").ToList());
        return Keep(user, rows);
    }

    /// <summary>The async form of <see cref="GetAllPermissions"/>: read with async I/O.</summary>
    public static async Task<IReadOnlySet<string>> GetAllPermissionsAsync(IUser user, CancellationToken cancellationToken = default)
    {
        if (!user.IsActive || user.IsAnonymous || user is not IPermissionsUser holder) return new HashSet<string>();
        if (Cache.TryGetValue(user, out var known)) return known;
        var groups = await holder.OwnGroups().ValuesList<long>("id").ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = await holder.OwnPermissions().ValuesList("content_type__app_label", "codename").ToListAsync(cancellationToken).ConfigureAwait(false);
        if (groups.Count > 0)
            rows.AddRange(await Permission.Objects.Filter("group__in", groups).ValuesList("content_type__app_label", "codename").ToListAsync(cancellationToken).ConfigureAwait(false));
        return Keep(user, rows);
    }

    private static HashSet<string> Keep(IUser user, List<object?[]> rows)
    {
        var names = rows.Select(r => $"{r[0]}.{r[1]}").ToHashSet(StringComparer.Ordinal);
        Cache.AddOrUpdate(user, names);
        return names;
    }

    /// <summary>Forgets what was read for <paramref name="user"/>, after its permissions changed (Django deletes <c>_perm_cache</c>).</summary>
    public static void Forget(IUser user) => Cache.Remove(user);

    /// <summary>Whether the user has <paramref name="permission"/> (Django's <c>has_perm</c>).</summary>
    public static bool HasPerm(IUser user, string permission) =>
        (user.IsActive && user.IsSuperuser) || GetAllPermissions(user).Contains(permission);

    /// <summary>The async form of <see cref="HasPerm"/>.</summary>
    public static async Task<bool> HasPermAsync(IUser user, string permission, CancellationToken cancellationToken = default) =>
        (user.IsActive && user.IsSuperuser) || (await GetAllPermissionsAsync(user, cancellationToken).ConfigureAwait(false)).Contains(permission);

    /// <summary>Whether the user has every one of <paramref name="permissions"/> (Django's <c>has_perms</c>).</summary>
    public static bool HasPerms(IUser user, IEnumerable<string> permissions) => permissions.All(p => HasPerm(user, p));

    /// <summary>The async form of <see cref="HasPerms"/>.</summary>
    public static async Task<bool> HasPermsAsync(IUser user, IEnumerable<string> permissions, CancellationToken cancellationToken = default)
    {
        foreach (var permission in permissions)
            if (!await HasPermAsync(user, permission, cancellationToken).ConfigureAwait(false)) return false;
        return true;
    }

    /// <summary>Whether the user has any permission in <paramref name="appLabel"/> (Django's <c>has_module_perms</c>).</summary>
    public static bool HasModulePerms(IUser user, string appLabel) =>
        (user.IsActive && user.IsSuperuser) || GetAllPermissions(user).Any(p => p.StartsWith(appLabel + ".", StringComparison.Ordinal));

    /// <summary>The async form of <see cref="HasModulePerms"/>.</summary>
    public static async Task<bool> HasModulePermsAsync(IUser user, string appLabel, CancellationToken cancellationToken = default) =>
        (user.IsActive && user.IsSuperuser) || (await GetAllPermissionsAsync(user, cancellationToken).ConfigureAwait(false)).Any(p => p.StartsWith(appLabel + ".", StringComparison.Ordinal));
}
