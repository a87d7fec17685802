using System.Net;

namespace Automation.Core.Lambda;

/// <summary>The Runtime API answered, but not with what the protocol promises (a non-2xx status or a missing header).</summary>
internal sealed class LambdaRuntimeApiException : Exception
{
    public LambdaRuntimeApiException(string message, HttpStatusCode? statusCode = null)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the Runtime API answered with, when the failure was a status.</summary>
    public HttpStatusCode? StatusCode { get; }
}
