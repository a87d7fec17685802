using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Automation.RollbackTrigger.GitHub;

/// <summary>
/// The credentials in GITHUB_SECRET_ARN's secret: a token (the plain string: fine-grained or classic), or a GitHub
/// App as JSON <c>{"appId": 123, "installationId": 456, "privateKey": "-----BEGIN RSA PRIVATE KEY-----\n..."}</c>.
/// Never printed: <see cref="ToString"/> names the kind only, and parse errors never quote the value.
/// </summary>
internal sealed class GitHubSecret
{
    private GitHubSecret(string? token, long appId, long installationId, string? privateKeyPem)
    {
        Token = token;
        AppId = appId;
        InstallationId = installationId;
        PrivateKeyPem = privateKeyPem;
    }

    /// <summary>The token, when the secret is one; null for an App.</summary>
    public string? Token { get; }

    public long AppId { get; }

    public long InstallationId { get; }

    public string? PrivateKeyPem { get; }

    public bool IsApp => Token is null;

    /// <exception cref="FormatException">The value is neither a token nor an App's JSON; the message says what is wrong, never the value.</exception>
    public static GitHubSecret Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Length == 0)
        {
            throw new FormatException("the GitHub secret is empty: store a token, or a GitHub App's JSON");
        }
        if (!text.StartsWith('{'))
        {
            if (text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new FormatException("the GitHub secret is not one token (it holds spaces or line breaks) and not JSON");
            }
            return new GitHubSecret(text, 0, 0, null);
        }

        long? appId = null, installationId = null;
        string? key = null;
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the GitHub secret's JSON must be an object");
            }
            foreach (var property in json.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "appId":
                        appId = Id(property.Value, "appId");
                        break;
                    case "installationId":
                        installationId = Id(property.Value, "installationId");
                        break;
                    case "privateKey":
                        key = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        break;
                    default:
                        // Unknown keys are ignored: a team may keep notes in the secret (the key name is safe to say).
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"the GitHub secret starts with '{{' but is not valid JSON (line {e.LineNumber + 1})");
        }

        if (appId is null || installationId is null || string.IsNullOrWhiteSpace(key))
        {
            var missing = new[] { ("appId", appId is null), ("installationId", installationId is null), ("privateKey", string.IsNullOrWhiteSpace(key)) }
                .Where(m => m.Item2).Select(m => m.Item1);
            throw new FormatException($"the GitHub App secret lacks {string.Join(", ", missing)}");
        }
        // Prove the key reads now (INIT), not at the first dispatch.
        using (var rsa = RSA.Create())
        {
            try
            {
                rsa.ImportFromPem(key);
            }
            catch (ArgumentException)
            {
                throw new FormatException("the GitHub App secret's privateKey is not an RSA private key in PEM");
            }
        }
        return new GitHubSecret(null, appId.Value, installationId.Value, key);
    }

    public override string ToString() => IsApp
        ? string.Create(CultureInfo.InvariantCulture, $"GitHub App {AppId}, installation {InstallationId}")
        : "GitHub token";

    private static long Id(JsonElement value, string name)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number > 0)
        {
            return number;
        }
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0)
        {
            return number;
        }
        throw new FormatException($"the GitHub App secret's {name} must be a whole number above 0");
    }
}
