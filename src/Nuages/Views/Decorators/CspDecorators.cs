using Nuages.Http;

namespace Nuages.Views.Decorators;

/// <summary>Django 6.0's <c>csp_override</c>: this view's Content-Security-Policy instead of <c>SecureCsp</c> (an empty one sends none).</summary>
public sealed class CspOverrideDecorator(IReadOnlyDictionary<string, object?> config) : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.CspConfig = config;
        return response;
    }
}

/// <summary>Django 6.0's <c>csp_report_only_override</c>: this view's report-only policy.</summary>
public sealed class CspReportOnlyOverrideDecorator(IReadOnlyDictionary<string, object?> config) : ViewDecoratorAttribute
{
    /// <inheritdoc />
    public override HttpResponse After(HttpRequest request, HttpResponse response)
    {
        response.CspReportOnlyConfig = config;
        return response;
    }
}
