using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Automation.Testing.OpenSearch;

/// <summary>
/// Checks an AWS Signature Version 4 the way the service does, written from the specification and independent of the
/// client's signer: rebuild the canonical request from what arrived (raw path and query, the signed headers' values,
/// the body's hash), derive the key from the secret, compare signatures.
/// </summary>
public sealed record SigV4Verifier(string AccessKey, string SecretKey, string Region, string Service)
{
    /// <summary>Null when the signature is valid, else why not.</summary>
    public string? Verify(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Algorithm = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Algorithm, StringComparison.Ordinal))
        {
            return "no SigV4 Authorization header";
        }
        var parts = authorization[Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return "the Authorization header lacks Credential, SignedHeaders or Signature";
        }
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0] != AccessKey || scope[2] != Region || scope[3] != Service || scope[4] != "aws4_request")
        {
            return $"credential scope {credential} is not {AccessKey}/<date>/{Region}/{Service}/aws4_request";
        }
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (amzDate.Length != 16 || !amzDate.StartsWith(scope[1], StringComparison.Ordinal))
        {
            return "x-amz-date is missing or does not match the credential's date";
        }
        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date"))
        {
            return "host and x-amz-date must be signed";
        }
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var declared = request.Headers["X-Amz-Content-SHA256"].ToString();
        if (Service == "aoss" && (declared.Length == 0 || !names.Contains("x-amz-content-sha256")))
        {
            return "OpenSearch Serverless needs a signed x-amz-content-sha256 header";
        }
        if (declared.Length > 0 && declared != bodyHash)
        {
            return "x-amz-content-sha256 is not the hash of the body received";
        }

        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? raw : raw[..question];
        var query = question < 0 ? "" : string.Join('&', raw[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        var canonical = new StringBuilder().Append(request.Method).Append('\n').Append(path).Append('\n').Append(query).Append('\n');
        foreach (var name in names)
        {
            var value = name == "host" ? request.Host.Value : request.Headers[name].ToString();
            canonical.Append(name).Append(':').Append(string.Join(' ', (value ?? "").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(bodyHash);

        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{string.Join('/', scope[1..])}\n{Hex(Encoding.UTF8.GetBytes(canonical.ToString()))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + SecretKey), scope[1]);
        key = Hmac(key, Region);
        key = Hmac(key, Service);
        key = Hmac(key, "aws4_request");
        var expected = Convert.ToHexStringLower(Hmac(key, stringToSign));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : "the signature does not match";
    }

    private static string Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
