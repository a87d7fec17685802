namespace Automation.LogForwarder.Auth;

/// <summary>Adds a request's credentials: SigV4 with the function's role, or basic auth from the function's secret.</summary>
internal interface IOpenSearchAuth
{
    /// <summary>Sets the authentication headers of <paramref name="request"/>, whose content is <paramref name="body"/> as sent.</summary>
    Task ApplyAsync(HttpRequestMessage request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);
}
