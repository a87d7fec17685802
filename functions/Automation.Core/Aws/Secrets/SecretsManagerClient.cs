using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Automation.Core.Aws.Secrets;

/// <summary>
/// Reads secret strings from AWS Secrets Manager (GetSecretValue over the JSON protocol, signed with SigV4), or through
/// the AWS Parameters and Secrets Lambda Extension when it is configured, and keeps each value in memory for
/// <see cref="SecretsManagerClientOptions.CacheTtl"/>. AWSSDK.SecretsManager is not used: the one call we need is
/// small, and AWSSDK.Core provides the signer and the credentials chain.
/// </summary>
public sealed class SecretsManagerClient
{
    private const string Service = "secretsmanager";
    private static readonly MediaTypeHeaderValue JsonProtocol = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly SecretsManagerClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _endpoint;
    private readonly ConcurrentDictionary<string, CachedSecret> _cache = new(StringComparer.Ordinal);

    public SecretsManagerClient(HttpClient http, SecretsManagerClientOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _endpoint = options.Endpoint ?? DefaultEndpoint(options.Region);
    }

    /// <summary>
    /// The secret's SecretString, from memory while younger than the cache TTL. Throws
    /// <see cref="SecretUnavailableException"/> when the secret is missing, unreadable or has no string value.
    /// </summary>
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(secretId, out var cached) && now < cached.ExpiresAt)
        {
            return cached.Value;
        }

        var value = await ReadAsync(secretId, cancellationToken).ConfigureAwait(false);
        _cache[secretId] = new CachedSecret(value, now + _options.CacheTtl);
        return value;
    }

    private static Uri DefaultEndpoint(string region) =>
        new(region.StartsWith("cn-", StringComparison.Ordinal)
            ? $"https://{Service}.{region}.amazonaws.com.cn/"
            : $"https://{Service}.{region}.amazonaws.com/");

    private async Task<string> ReadAsync(string secretId, CancellationToken cancellationToken)
    {
        try
        {
            using var request = _options.ExtensionEndpoint is { } extension
                ? ExtensionRequest(extension, secretId)
                : await ApiRequestAsync(secretId).ConfigureAwait(false);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new SecretUnavailableException(secretId, ErrorReason(response.StatusCode, body));
            }
            GetSecretValueResponse? secret;
            try
            {
                secret = Deserialize(body, SecretsJsonContext.Default.GetSecretValueResponse);
            }
            catch (JsonException)
            {
                // The parser's message may quote part of the body, which could be the secret: say only what failed.
                throw new SecretUnavailableException(secretId, "the response is not a GetSecretValue document");
            }
            return secret?.SecretString
                ?? throw new SecretUnavailableException(secretId, "the secret has no SecretString (binary secrets are not supported)");
        }
        catch (Exception e) when (e is HttpRequestException or AmazonClientException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Transport and credential failures: their messages name hosts and causes, never keys or values.
            throw new SecretUnavailableException(secretId, e.GetType().Name + ": " + e.Message, e);
        }
    }

    private HttpRequestMessage ExtensionRequest(Uri extension, string secretId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(extension, "/secretsmanager/get?secretId=" + Uri.EscapeDataString(secretId)));
        if (_options.ExtensionToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Aws-Parameters-Secrets-Token", token);
        }
        return request;
    }

    private async Task<HttpRequestMessage> ApiRequestAsync(string secretId)
    {
        var credentials = _options.Credentials ?? await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        var immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        var body = JsonSerializer.SerializeToUtf8Bytes(new GetSecretValueRequest(secretId), SecretsJsonContext.Default.GetSecretValueRequest);
        var headers = SignedHeaders(_endpoint, body, immutable, _options.Region, _time.GetUtcNow().UtcDateTime);

        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonProtocol;
        foreach (var (name, value) in headers)
        {
            // Content-Type is on the content already; Host is set by HttpClient from the URI (the same value we signed).
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return request;
    }

    /// <summary>The headers of a signed GetSecretValue call (internal so the signature can be compared with botocore's).</summary>
    internal static IDictionary<string, string> SignedHeaders(Uri endpoint, byte[] body, ImmutableCredentials credentials, string region, DateTime signedAtUtc)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = JsonProtocol.MediaType!,
            ["X-Amz-Target"] = "secretsmanager.GetSecretValue",
        };
        return SigV4Signer.Sign(headers, endpoint, body, credentials, region, Service, signedAtUtc);
    }

    // Only the error code and message are taken from the body; anything else it holds is never echoed.
    private static string ErrorReason(HttpStatusCode status, byte[] body)
    {
        AwsErrorBody? error = null;
        try
        {
            error = Deserialize(body, SecretsJsonContext.Default.AwsErrorBody);
        }
        catch (JsonException)
        {
            // Not JSON (e.g. a proxy's page): the HTTP status alone is reported.
        }
        var type = error?.Type is { } t ? t[(t.LastIndexOf('#') + 1)..] : null;
        var message = error?.Message ?? error?.CapitalMessage;
        return (type, message) switch
        {
            (not null, not null) => $"{type}: {message}",
            (not null, null) => type,
            _ => $"HTTP {(int)status} {status}",
        };
    }

    private static T? Deserialize<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        body.Length == 0 ? default : JsonSerializer.Deserialize(body, typeInfo);

    private sealed record CachedSecret(string Value, DateTimeOffset ExpiresAt);
}
