using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Automation.Core.Aws;

/// <summary>
/// Signs an HTTP request with AWS Signature Version 4 (Secrets Manager's JSON protocol, OpenSearch's <c>es</c> and
/// <c>aoss</c>). The canonical request is built here (AWSSDK.Core's canonicalizer is not public); the key derivation
/// and signature come from AWSSDK.Core's <see cref="AWS4Signer"/>. Only the headers passed in are signed, plus host and
/// x-amz-date (and x-amz-security-token for temporary credentials), exactly as botocore's SigV4Auth does for the same
/// request; tests compare both byte for byte.
/// </summary>
public static class SigV4Signer
{
    /// <summary>The header OpenSearch Serverless (<c>aoss</c>) requires and signs: the payload's SHA-256 in hex.</summary>
    public const string ContentSha256Header = "X-Amz-Content-SHA256";

    /// <summary>A POST of <paramref name="body"/> to <paramref name="endpoint"/> (path and query as sent).</summary>
    public static IDictionary<string, string> Sign(
        IDictionary<string, string> headers, Uri endpoint, byte[] body, ImmutableCredentials credentials,
        string region, string service, DateTime signedAtUtc) =>
        Sign(headers, "POST", endpoint, PayloadHash(body), credentials, region, service, signedAtUtc);

    /// <summary>
    /// Adds host, x-amz-date, x-amz-security-token (when the credentials have one) and authorization to
    /// <paramref name="headers"/> and returns them. <paramref name="payloadHash"/> is the hex SHA-256 of the body as
    /// sent (compressed, when it is); see <see cref="PayloadHash"/>.
    /// </summary>
    public static IDictionary<string, string> Sign(
        IDictionary<string, string> headers, string method, Uri endpoint, string payloadHash, ImmutableCredentials credentials,
        string region, string service, DateTime signedAtUtc)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.UseToken)
        {
            headers["X-Amz-Security-Token"] = credentials.Token;
        }
        // AWSSDK.Core's InitializeHeaders drops x-amz-content-sha256 (its S3 signer adds it back itself): keep the caller's.
        var contentSha = headers.FirstOrDefault(h => h.Key.Equals(ContentSha256Header, StringComparison.OrdinalIgnoreCase));
        var signedAt = AWS4Signer.InitializeHeaders(headers, endpoint, signedAtUtc);
        if (contentSha.Key is not null)
        {
            headers[contentSha.Key] = contentSha.Value;
        }

        var sorted = headers
            .Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: CollapseSpaces(h.Value.Trim())))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Name));

        var canonical = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append('\n')
            .Append(CanonicalPath(endpoint)).Append('\n')
            .Append(CanonicalQuery(endpoint)).Append('\n');
        foreach (var (name, value) in sorted)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var result = AWS4Signer.ComputeSignature(credentials, region, signedAt, service, signedHeaders, canonical.ToString());
        headers["Authorization"] = result.ForAuthorizationHeader;
        return headers;
    }

    /// <summary>The lower-case hex SHA-256 of a payload.</summary>
    public static string PayloadHash(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    // Service endpoints are called at their root or a fixed path (/_bulk); the path is signed as sent, already escaped.
    private static string CanonicalPath(Uri endpoint) => endpoint.AbsolutePath.Length == 0 ? "/" : endpoint.AbsolutePath;

    /// <summary>Parameters sorted by name then value, each name and value percent-encoded as SigV4 asks (RFC 3986 unreserved kept).</summary>
    private static string CanonicalQuery(Uri endpoint)
    {
        var query = endpoint.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return "";
        }
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    private static string Encode(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    private static string CollapseSpaces(string value)
    {
        var builder = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            var space = c == ' ';
            if (!(space && previousSpace))
            {
                builder.Append(c);
            }
            previousSpace = space;
        }
        return builder.ToString();
    }
}
