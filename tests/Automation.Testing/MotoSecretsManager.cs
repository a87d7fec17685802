using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Automation.Testing;

/// <summary>Test setup for Secrets Manager on the moto server: secrets to read, with fake credentials.</summary>
public static class MotoSecretsManager
{
    public const string Region = "us-east-1";

    /// <summary>Creates a secret with a string value and returns its complete ARN (with moto's random suffix).</summary>
    public static async Task<string> CreateSecretAsync(MotoServer moto, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(moto);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["Name"] = name, ["SecretString"] = value });
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.CreateSecret");
        // moto finds the service and region in the credential scope and does not check the signature; the code under
        // test signs its own calls for real.
        var date = TimeProvider.System.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential=testing/{date}/{Region}/secretsmanager/aws4_request, SignedHeaders=host;x-amz-target, Signature=0");

        using var http = new HttpClient();
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var answer = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"CreateSecret {name} failed: {(int)response.StatusCode} {answer}");
        }
        using var created = JsonDocument.Parse(answer);
        return created.RootElement.GetProperty("ARN").GetString()!;
    }

    /// <summary>An ARN of the shape moto gives, for a secret that does not exist.</summary>
    public static string MissingSecretArn(string name) => $"arn:aws:secretsmanager:{Region}:123456789012:secret:{name}-Zz9Yy8";
}
