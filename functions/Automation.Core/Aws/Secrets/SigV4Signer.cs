using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace Automation.Core.Aws.Secrets;

/// <summary>
/// Signs a POST request without query string (the AWS JSON protocol) with AWS Signature Version 4. The canonical request is built here (AWSSDK.Core's canonicalizer is
/// not public); the key derivation and signature come from AWSSDK.Core's <see cref="AWS4Signer"/>. Only the headers
/// passed in are signed, plus host and x-amz-date (and x-amz-security-token for temporary credentials), exactly as
/// botocore's SigV4Auth does for the same request.
/// </summary>
internal static class SigV4Signer
{
    /// <summary>
    /// Adds host, x-amz-date, x-amz-security-token (when the credentials have one) and authorization to
    /// <paramref name="headers"/> and returns them.
    /// </summary>
    public static IDictionary<string, string> Sign(
        IDictionary<string, string> headers, Uri endpoint, byte[] body, ImmutableCredentials credentials,
        string region, string service, DateTime signedAtUtc)
    {
        if (credentials.UseToken)
        {
            headers["X-Amz-Security-Token"] = credentials.Token;
        }
        var signedAt = AWS4Signer.InitializeHeaders(headers, endpoint, signedAtUtc);

        var sorted = headers
            .Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: CollapseSpaces(h.Value.Trim())))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Name));

        var canonical = new StringBuilder()
            .Append("POST\n")
            .Append(CanonicalPath(endpoint)).Append('\n')
            .Append('\n'); // no query string: the JSON protocol posts everything in the body
        foreach (var (name, value) in sorted)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n')
            .Append(AWSSDKUtils.ToHex(AWS4Signer.ComputeHash(body), lowercase: true));

        var result = AWS4Signer.ComputeSignature(credentials, region, signedAt, service, signedHeaders, canonical.ToString());
        headers["Authorization"] = result.ForAuthorizationHeader;
        return headers;
    }

    // The service endpoints are called at their root; a custom endpoint may carry a path, which is signed as sent.
    private static string CanonicalPath(Uri endpoint) => endpoint.AbsolutePath.Length == 0 ? "/" : endpoint.AbsolutePath;

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
