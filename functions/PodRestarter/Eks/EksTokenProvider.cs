using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;
using k8s.Authentication;

namespace Automation.PodRestarter.Eks;

/// <summary>
/// The bearer token EKS accepts for an IAM identity, as <c>aws eks get-token</c> makes it: <c>k8s-aws-v1.</c> and the
/// base64url (no padding) of a presigned STS GetCallerIdentity URL whose signed headers include
/// <c>x-k8s-aws-id: &lt;cluster&gt;</c>, valid 60 seconds to present. EKS accepts a token for 15 minutes from its
/// signing time, so one is kept and reused and a new one made after <see cref="RenewAfter"/>.
/// </summary>
internal sealed class EksTokenProvider : ITokenProvider
{
    /// <summary>Renewed well before EKS's 15 minutes, so a token never expires in flight.</summary>
    public static readonly TimeSpan RenewAfter = TimeSpan.FromMinutes(13);

    private const string Prefix = "k8s-aws-v1.";
    private const string Service = "sts";
    private const string ClusterHeader = "x-k8s-aws-id";

    private readonly string _cluster;
    private readonly string _region;
    private readonly Func<CancellationToken, Task<ImmutableCredentials>> _credentials;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (string Token, DateTimeOffset MadeAt)? _cached;

    public EksTokenProvider(string cluster, string region, Func<CancellationToken, Task<ImmutableCredentials>> credentials, TimeProvider time)
    {
        _cluster = cluster;
        _region = region;
        _credentials = credentials;
        _time = time;
    }

    /// <summary>Tokens made so far (one per renewal): the tests check the cache with it.</summary>
    public int TokensMade { get; private set; }

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
        => new("Bearer", await GetTokenAsync(cancellationToken).ConfigureAwait(false));

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_cached is { } cached && now - cached.MadeAt < RenewAfter && now >= cached.MadeAt)
            {
                return cached.Token;
            }
            var credentials = await _credentials(cancellationToken).ConfigureAwait(false);
            var token = CreateToken(_cluster, _region, credentials, now.UtcDateTime);
            _cached = (token, now);
            TokensMade++;
            return token;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The token for <paramref name="cluster"/> signed at <paramref name="signedAtUtc"/>.</summary>
    public static string CreateToken(string cluster, string region, ImmutableCredentials credentials, DateTime signedAtUtc)
    {
        var url = PresignedUrl(cluster, region, credentials, signedAtUtc);
        return Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(url)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// The presigned GetCallerIdentity URL: the canonical request is built here (AWSSDK.Core keeps its own canonicalizer
    /// internal), the key derivation and signature are AWSSDK.Core's. Query parameters appear in the order botocore
    /// writes them, so the token is byte for byte the one the AWS CLI would make.
    /// </summary>
    public static string PresignedUrl(string cluster, string region, ImmutableCredentials credentials, DateTime signedAtUtc)
    {
        var host = $"sts.{region}.amazonaws.com";
        var date = signedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{signedAtUtc.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/{Service}/aws4_request";
        var signedHeaders = "host;" + ClusterHeader;

        var query = new List<(string Name, string Value)>
        {
            ("Action", "GetCallerIdentity"),
            ("Version", "2011-06-15"),
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", $"{credentials.AccessKey}/{scope}"),
            ("X-Amz-Date", date),
            ("X-Amz-Expires", "60"),
            ("X-Amz-SignedHeaders", signedHeaders),
        };
        if (credentials.UseToken)
        {
            query.Add(("X-Amz-Security-Token", credentials.Token));
        }

        var canonicalQuery = string.Join('&', query
            .Select(p => (Name: Encode(p.Name), Value: Encode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        var canonicalRequest = new StringBuilder()
            .Append("GET\n/\n")
            .Append(canonicalQuery).Append('\n')
            .Append("host:").Append(host).Append('\n')
            .Append(ClusterHeader).Append(':').Append(cluster.Trim()).Append('\n')
            .Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(""), lowercase: true))
            .ToString();

        var signature = AWS4Signer.ComputeSignature(credentials, region, signedAtUtc, Service, signedHeaders, canonicalRequest).Signature;
        var written = string.Join('&', query.Select(p => $"{Encode(p.Name)}={Encode(p.Value)}"));
        return $"https://{host}/?{written}&X-Amz-Signature={signature}";
    }

    // RFC 3986: everything but unreserved characters is percent-encoded, '/' included, as SigV4 wants.
    private static string Encode(string value) => Uri.EscapeDataString(value);
}
