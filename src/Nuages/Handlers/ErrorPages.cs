using System.Net;
using System.Text;
using Nuages.Core;
using Nuages.Http;
using Nuages.Urls;

namespace Nuages.Handlers;

/// <summary>Django's plain error pages, and the technical 404 and 500 pages shown when <c>Debug</c> is on.</summary>
internal static class ErrorPages
{
    /// <summary>Django's <c>ERROR_PAGE_TEMPLATE</c>, byte for byte.</summary>
    public static string Page(string title, string details) =>
        $"\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>{title}</title>\n</head>\n<body>\n  <h1>{title}</h1><p>{details}</p>\n</body>\n</html>\n";

    /// <summary>Django's CSRF failure page: 403, "CSRF verification failed. Request aborted.", the reason in Debug.</summary>
    public static HttpResponse CsrfFailure(HttpRequest request, string reason)
    {
        var more = request.Settings.Debug ? $"\n  <p>Reason given for failure:</p>\n  <pre>\n    {E(reason)}\n  </pre>" : "";
        return new HttpResponseForbidden(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n" +
            "  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <title>403 Forbidden</title>\n</head>\n<body>\n" +
            "<div id=\"summary\">\n  <h1>Forbidden <span>(403)</span></h1>\n  <p>CSRF verification failed. Request aborted.</p>" + more + "\n</div>\n</body>\n</html>\n",
            "text/html; charset=utf-8");
    }

    public static HttpResponse PlainServerError() => new HttpResponseServerError(Page("Server Error (500)", ""));

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    /// <summary>The Debug 404: what was asked, which patterns were tried in order, or which view raised it.</summary>
    public static HttpResponse Technical404(HttpRequest request, Exception exception, UrlResolver resolver)
    {
        var sb = new StringBuilder();
        var url = request.BuildAbsoluteUriSafe();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n")
          .Append("  <title>Page not found at ").Append(E(request.PathInfo)).Append("</title>\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n")
          .Append("  <style>body{font:small sans-serif;background:#eee;margin:0}#summary{background:#ffc;padding:10px 20px;border-bottom:1px solid #ddd}")
          .Append("#info{padding:10px 20px}#explanation{background:#eee;padding:10px 20px;border-top:1px solid #ddd}th{text-align:right;padding-right:1em}</style>\n</head>\n<body>\n")
          .Append("  <div id=\"summary\">\n    <h1>Page not found <span>(404)</span></h1>\n");
        var resolverMiss = request.ResolverMatch is null;
        if (!resolverMiss && exception.Message.Length > 0) sb.Append("    <pre class=\"exception_value\">").Append(E(exception.Message)).Append("</pre>\n");
        sb.Append("    <table class=\"meta\">\n      <tr><th>Request Method:</th><td>").Append(E(request.Method)).Append("</td></tr>\n")
          .Append("      <tr><th>Request URL:</th><td>").Append(E(url)).Append("</td></tr>\n");
        if (!resolverMiss) sb.Append("      <tr><th>Raised by:</th><td>").Append(E(request.ResolverMatch!.View.Descriptor.Name)).Append("</td></tr>\n");
        sb.Append("    </table>\n  </div>\n  <div id=\"info\">\n");
        if (resolverMiss)
        {
            var tried = resolver.Tried(request.PathInfo);
            sb.Append("    <p>Using the URL patterns of this site, Nuages tried these URL patterns, in this order:</p>\n    <ol>\n");
            foreach (var chain in tried) sb.Append("      <li>").Append(string.Join(" ", chain.Select(E))).Append("</li>\n");
            sb.Append("    </ol>\n    <p>The current path, <code>").Append(E(request.PathInfo.TrimStart('/'))).Append("</code>, didn’t match any of these.</p>\n");
        }
        else if (exception.Message.Length == 0)
        {
            sb.Append("    <p>The view raised Http404 without a message.</p>\n");
        }
        sb.Append("  </div>\n  <div id=\"explanation\">\n    <p>You’re seeing this error because you have <code>Debug = true</code> in your Nuages settings. ")
          .Append("Change that to <code>false</code>, and Nuages will display a standard 404 page.</p>\n  </div>\n</body>\n</html>\n");
        return new HttpResponseNotFound(sb.ToString());
    }

    /// <summary>The Debug 500: the exception, its stack and the request; plain text when the client does not accept HTML.</summary>
    public static HttpResponse Technical500(HttpRequest request, Exception exception, int status)
    {
        var type = exception.GetType().FullName ?? exception.GetType().Name;
        var url = request.BuildAbsoluteUriSafe();
        var accept = request.Headers.Get("Accept");
        if (accept is not null && !accept.Contains("text/html") && !accept.Contains("*/*"))
        {
            var text = new StringBuilder()
                .Append(type).Append(" at ").Append(request.PathInfo).Append('\n').Append(exception.Message).Append("\n\n")
                .Append("Request Method: ").Append(request.Method).Append('\n')
                .Append("Request URL: ").Append(url).Append('\n')
                .Append("Nuages Version: ").Append(typeof(ErrorPages).Assembly.GetName().Version).Append("\n\n")
                .Append("Traceback:\n").Append(exception).Append('\n');
            return new HttpResponse(text.ToString(), "text/plain; charset=utf-8", status);
        }
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n")
          .Append("  <title>").Append(E(type)).Append(" at ").Append(E(request.PathInfo)).Append("</title>\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n")
          .Append("  <style>body{font:small sans-serif;margin:0}#summary{background:#ffc;padding:10px 20px;border-bottom:1px solid #ddd}")
          .Append("#traceback,#requestinfo{padding:10px 20px}pre{background:#f5f5f5;padding:8px;overflow:auto}th{text-align:left;padding-right:1em}</style>\n</head>\n<body>\n")
          .Append("  <div id=\"summary\">\n    <h1>").Append(E(type)).Append(" at ").Append(E(request.PathInfo)).Append("</h1>\n")
          .Append("    <pre class=\"exception_value\">").Append(E(exception.Message)).Append("</pre>\n    <table class=\"meta\">\n")
          .Append("      <tr><th>Request Method:</th><td>").Append(E(request.Method)).Append("</td></tr>\n")
          .Append("      <tr><th>Request URL:</th><td>").Append(E(url)).Append("</td></tr>\n")
          .Append("      <tr><th>Exception Type:</th><td>").Append(E(type)).Append("</td></tr>\n")
          .Append("      <tr><th>Exception Value:</th><td><pre>").Append(E(exception.Message)).Append("</pre></td></tr>\n");
        if (request.ResolverMatch is { } match) sb.Append("      <tr><th>View:</th><td>").Append(E(match.View.Descriptor.Name)).Append("</td></tr>\n");
        sb.Append("    </table>\n  </div>\n");
        AppendTemplateError(sb, exception);
        sb.Append("  <div id=\"traceback\">\n    <h2>Traceback</h2>\n    <pre>").Append(E(exception.ToString())).Append("</pre>\n  </div>\n")
          .Append("  <div id=\"requestinfo\">\n    <h2>Request information</h2>\n");
        AppendTable(sb, "GET", SafeQuery(request));
        var filter = new Views.ExceptionReporterFilter(request.Settings);
        AppendTable(sb, "POST", SafeForm(request, filter));
        if (request.ResolverMatch is { } view)
            AppendTable(sb, "View arguments", filter.CleanseVariables(view.Func, view.Kwargs).Select(v => (v.Key, Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "None")));
        AppendTable(sb, "COOKIES", Views.ExceptionReporterFilter.GetSafeCookies(request).Select(c => (c.Key, c.Value)));
        AppendTable(sb, "META", Views.ExceptionReporterFilter.GetSafeRequestMeta(request).OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => (m.Key, m.Value)));
        sb.Append("  </div>\n  <div id=\"explanation\">\n    <p>You’re seeing this error because you have <code>Debug = true</code> in your Nuages settings. ")
          .Append("Change that to <code>false</code>, and Nuages will display a standard page generated by the handler for this status code.</p>\n  </div>\n</body>\n</html>\n");
        return new HttpResponse(sb.ToString(), "text/html; charset=utf-8", status);
    }

    /// <summary>
    /// Django's "Template error" block: the template and line where a template failed (a syntax error, or an exception
    /// raised while it rendered, with the template engine's debug on), with the source around it, the line marked.
    /// </summary>
    private static void AppendTemplateError(StringBuilder sb, Exception exception)
    {
        var (name, token, source) = exception switch
        {
            Templates.TemplateSyntaxError { Token: { } t } syntax => (syntax.TemplateName ?? "unknown", t, syntax.TemplateSource),
            _ when Templates.TemplateDebugInfo.Of(exception) is { } info => (info.TemplateName, info.Token, info.Source),
            _ => (null, null, null),
        };
        if (name is null || token is null) return;
        sb.Append("  <div id=\"template\">\n    <h2>Template error</h2>\n    <p>In template <code>").Append(E(name))
          .Append("</code>, error at line <strong>").Append(token.Line).Append("</strong></p>\n    <h3>").Append(E(exception.Message)).Append("</h3>\n");
        if (source is not null)
        {
            var lines = source.Split('\n');
            var first = Math.Max(1, token.Line - 10);
            var last = Math.Min(lines.Length, token.Line + 10);
            sb.Append("    <table class=\"source\">\n");
            for (var line = first; line <= last; line++)
            {
                var text = lines[line - 1];
                sb.Append("      <tr").Append(line == token.Line ? " class=\"error\"" : "").Append("><th>").Append(line).Append("</th><td>");
                if (line == token.Line)
                {
                    var start = source.Split('\n').Take(line - 1).Sum(l => l.Length + 1);
                    var from = Math.Clamp(token.Start - start, 0, text.Length);
                    var to = Math.Clamp(token.End - start, from, text.Length);
                    sb.Append(E(text[..from])).Append("<span class=\"specific\">").Append(E(text[from..to])).Append("</span>").Append(E(text[to..]));
                }
                else sb.Append(E(text));
                sb.Append("</td></tr>\n");
            }
            sb.Append("    </table>\n");
        }
        sb.Append("  </div>\n");
    }

    // The request's own fields may be what failed to parse; the error page must not fail with them.
    private static List<(string, string)> SafeQuery(HttpRequest request)
    {
        try { return request.Query.Select(p => (p.Key, p.Value)).ToList(); }
        catch (Exception e) when (e is SuspiciousOperation or MultiPartParserError) { return [("(unreadable)", e.Message)]; }
    }

    internal static IEnumerable<(string, string)> SafeForm(HttpRequest request, Views.ExceptionReporterFilter filter)
    {
        try { return filter.GetPostParameters(request).Select(p => (p.Key, p.Value)).ToList(); }
        catch (Exception e) when (e is SuspiciousOperation or MultiPartParserError) { return [("(unreadable)", e.Message)]; }
    }

    private static void AppendTable(StringBuilder sb, string title, IEnumerable<(string Key, string Value)> rows)
    {
        var list = rows.ToList();
        sb.Append("    <h3>").Append(title).Append("</h3>\n");
        if (list.Count == 0)
        {
            sb.Append("    <p>No ").Append(title).Append(" data</p>\n");
            return;
        }
        sb.Append("    <table>\n");
        foreach (var (key, value) in list) sb.Append("      <tr><td>").Append(E(key)).Append("</td><td><pre>").Append(E(value)).Append("</pre></td></tr>\n");
        sb.Append("    </table>\n");
    }
}
