using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Automation.Core.Configuration;

namespace Automation.LogForwarder.Auth;

/// <summary>
/// HTTP basic auth (OpenSearch's internal users, fine-grained access control) with the credentials of the secret
/// OPENSEARCH_SECRET_ARN names: JSON <c>{"username": "...", "password": "..."}</c>. Read through the secrets cache on
/// each request, so a rotated password is picked up without a restart.
/// </summary>
internal sealed class BasicAuth : IOpenSearchAuth
{
    private readonly Func<CancellationToken, Task<string>> _secret;

    /// <param name="secret">Reads the secret's string (FunctionSecrets.GetAsync of OPENSEARCH_SECRET_ARN).</param>
    public BasicAuth(Func<CancellationToken, Task<string>> secret) => _secret = secret;

    public async Task ApplyAsync(HttpRequestMessage request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var (username, password) = Parse(await _secret(cancellationToken).ConfigureAwait(false));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
    }

    /// <exception cref="ConfigurationException">The secret is not JSON with a username and a password (its value is never quoted).</exception>
    internal static (string Username, string Password) Parse(string secret)
    {
        string? username = null, password = null;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(secret));
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.ValueTextEquals("username"u8) ? 1 : reader.ValueTextEquals("password"u8) ? 2 : 0;
                    reader.Read();
                    if (field == 1 && reader.TokenType == JsonTokenType.String)
                    {
                        username = reader.GetString();
                    }
                    else if (field == 2 && reader.TokenType == JsonTokenType.String)
                    {
                        password = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Reported below without the value.
        }
        if (string.IsNullOrEmpty(username) || password is null)
        {
            throw new ConfigurationException(
                $"The secret {LogForwarderFunction.OpenSearchSecretVariable} names must be JSON with string fields username and password.");
        }
        return (username, password);
    }
}
