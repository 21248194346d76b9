using System.Text;
using Nuages.Cache;

namespace Nuages.Templates;

/// <summary>
/// The <c>cache</c> library (<c>{% load cache %}</c>), as django/templatetags/cache.py: <c>{% cache 500 sidebar
/// request.user.username using="fragments" %}…{% endcache %}</c> keeps the rendered fragment under
/// <see cref="CacheKeys.MakeTemplateFragmentKey"/>'s key, in the <c>template_fragments</c> cache when the site has one,
/// else in <c>default</c>. An async render reads and writes the cache with async I/O.
/// </summary>
internal static class CacheTags
{
    /// <summary>The cache Django's tag prefers when the site defines it.</summary>
    private const string FragmentsAlias = "template_fragments";

    public static readonly Library Library = new Library().Tag("cache", (parser, token) => CacheNode.Parse(parser, token));

    private sealed class CacheNode(NodeList nodes, FilterExpression expireTime, string fragmentName, List<FilterExpression> varyOn, FilterExpression? cacheName) : Node
    {
        public override IEnumerable<NodeList> Children => [nodes];

        public static CacheNode Parse(Parser parser, Token token)
        {
            var nodes = parser.Parse("endcache");
            parser.DeleteFirstToken();
            var tokens = token.SplitContents();
            // Django formats the tag name with %r inside quotes, hence the doubled quotes.
            if (tokens.Count < 3) throw new TemplateSyntaxError($"''{tokens[0]}'' tag requires at least 2 arguments.");
            FilterExpression? cacheName = null;
            if (tokens.Count > 3 && tokens[^1].StartsWith("using=", StringComparison.Ordinal))
            {
                cacheName = parser.CompileFilter(tokens[^1]["using=".Length..]);
                tokens.RemoveAt(tokens.Count - 1);
            }
            // The fragment name is never a variable.
            return new CacheNode(nodes, parser.CompileFilter(tokens[1]), tokens[2], [.. tokens.Skip(3).Select(parser.CompileFilter)], cacheName);
        }

        public override async ValueTask RenderAsync(Context context, StringBuilder output)
        {
            var expire = await expireTime.ResolveAsync(context).ConfigureAwait(false);
            // None is Django's "never expires"; otherwise Python's int(): whole numbers, numbers truncated, digit strings
            var timeout = BaseCache.Forever;
            if (expire is not null)
            {
                timeout = TemplateValues.ToInteger(expire) is { } seconds
                    ? TimeSpan.FromSeconds(seconds)
                    : throw new TemplateSyntaxError($"\"cache\" tag got a non-integer timeout value: {TemplateValues.Repr(expire)}");
            }
            var cache = await FragmentCache(context).ConfigureAwait(false);
            var values = new List<object?>(varyOn.Count);
            foreach (var expression in varyOn) values.Add(await expression.ResolveAsync(context).ConfigureAwait(false));
            var key = CacheKeys.MakeTemplateFragmentKey(fragmentName, values);
            var value = context.IsAsync
                ? await cache.GetAsync<string>(key, cancellationToken: context.CancellationToken).ConfigureAwait(false)
                : cache.Get<string>(key);
            if (value is null)
            {
                value = await CaptureAsync(nodes, context).ConfigureAwait(false);
                if (context.IsAsync) await cache.SetAsync(key, value, timeout, cancellationToken: context.CancellationToken).ConfigureAwait(false);
                else cache.Set(key, value, timeout);
            }
            output.Append(value);
        }

        private async ValueTask<BaseCache> FragmentCache(Context context)
        {
            if (cacheName is null)
                return Caches.Get(Conf.Site.Current.Settings.Caches.ContainsKey(FragmentsAlias) ? FragmentsAlias : Caches.DefaultAlias);
            var name = await cacheName.ResolveAsync(context).ConfigureAwait(false);
            try
            {
                return Caches.Get(name as string ?? TemplateValues.ToText(name));
            }
            catch (InvalidCacheBackendError)
            {
                throw new TemplateSyntaxError($"Invalid cache name specified for cache tag: {TemplateValues.Repr(name)}");
            }
        }
    }
}
