namespace Automation.Testing.Lambda;

/// <summary>The four calls of the Lambda Runtime API, as the fake tells them apart.</summary>
public enum RuntimeApiCall
{
    /// <summary>GET /2018-06-01/runtime/invocation/next</summary>
    Next,

    /// <summary>POST /2018-06-01/runtime/invocation/{id}/response</summary>
    Response,

    /// <summary>POST /2018-06-01/runtime/invocation/{id}/error</summary>
    Error,

    /// <summary>POST /2018-06-01/runtime/init/error</summary>
    InitError,
}
