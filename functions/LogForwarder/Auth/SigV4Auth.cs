using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Automation.Core.Aws;

namespace Automation.LogForwarder.Auth;

/// <summary>
/// Signs each request with AWS Signature Version 4 for service <c>es</c> (managed domains) or <c>aoss</c>
/// (OpenSearch Serverless). The payload hash is sent and signed as <c>x-amz-content-sha256</c> for both: Serverless
/// requires it, managed domains accept it. Credentials come from the SDK's default chain (the role, in Lambda).
/// </summary>
internal sealed class SigV4Auth : IOpenSearchAuth
{
    private readonly string _region;
    private readonly string _service;
    private readonly AWSCredentials? _credentials;
    private readonly TimeProvider _time;

    /// <param name="credentials">Null: the SDK's default credential chain.</param>
    public SigV4Auth(string region, string service, AWSCredentials? credentials, TimeProvider time)
    {
        _region = region;
        _service = service;
        _credentials = credentials;
        _time = time;
    }

    public async Task ApplyAsync(HttpRequestMessage request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var credentials = _credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        var headers = SignedHeaders(request, body.Span, immutable, _region, _service, _time.GetUtcNow().UtcDateTime);
        foreach (var (name, value) in headers)
        {
            // Content headers are on the content already; Host is set by HttpClient from the URI (the value signed).
            if (!name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }

    /// <summary>The signed headers of <paramref name="request"/> (internal so tests compare them with botocore's).</summary>
    internal static IDictionary<string, string> SignedHeaders(
        HttpRequestMessage request, ReadOnlySpan<byte> body, ImmutableCredentials credentials, string region, string service, DateTime signedAtUtc)
    {
        var hash = SigV4Signer.PayloadHash(body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [SigV4Signer.ContentSha256Header] = hash,
        };
        if (request.Content?.Headers.ContentType is { } type)
        {
            headers["Content-Type"] = type.ToString();
        }
        if (request.Content?.Headers.ContentEncoding is { Count: > 0 } encoding)
        {
            headers["Content-Encoding"] = string.Join(", ", encoding);
        }
        return SigV4Signer.Sign(headers, request.Method.Method, request.RequestUri!, hash, credentials, region, service, signedAtUtc);
    }
}
