using Nuages.Core;

namespace Nuages.Http;

/// <summary>
/// The messages of the request limits (Django's <c>RequestDataTooBig</c>, <c>TooManyFieldsSent</c>, <c>TooManyFilesSent</c>
/// texts, naming the C# settings): one catalogue that the gateways, the parsers and the tests share.
/// </summary>
public static class RequestLimitMessages
{
    /// <summary>A body (files aside) over <c>DataUploadMaxMemorySize</c>.</summary>
    public const string RequestDataTooBig = "Request body exceeded Settings.DataUploadMaxMemorySize.";

    /// <summary>More fields than <c>DataUploadMaxNumberFields</c>.</summary>
    public const string TooManyFields = "The number of GET/POST parameters exceeded Settings.DataUploadMaxNumberFields.";

    /// <summary>More files than <c>DataUploadMaxNumberFiles</c>.</summary>
    public const string TooManyFiles = "The number of files exceeded Settings.DataUploadMaxNumberFiles.";
}
