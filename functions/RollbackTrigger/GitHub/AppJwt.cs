using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>
/// The JSON Web Token a GitHub App signs to ask for an installation token: RS256, issued 60 seconds in the past (clock
/// drift, as GitHub advises), valid for 9 minutes (GitHub takes at most 10), issuer the App's id.
/// </summary>
internal static class AppJwt
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(9);

    public static string Create(long appId, string privateKeyPem, DateTimeOffset now)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);

        var header = Encode(Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT"}"""));
        var payloadBuffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(payloadBuffer))
        {
            json.WriteStartObject();
            json.WriteNumber("iat", now.AddSeconds(-60).ToUnixTimeSeconds());
            json.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            json.WriteString("iss", appId.ToString(CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }
        var signingInput = header + "." + Encode(payloadBuffer.WrittenSpan);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Encode(signature);
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}
