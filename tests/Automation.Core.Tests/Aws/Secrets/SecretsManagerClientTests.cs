using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Automation.Core.Aws;
using Automation.Core.Aws.Secrets;
using Automation.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Automation.Core.Tests.Aws.Secrets;

/// <summary>The client against moto's Secrets Manager: values, the cache and the error of a missing secret.</summary>
public sealed class SecretsManagerClientTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Region = "us-east-1";
    private static readonly BasicAWSCredentials Fake = new("testing", "testing");

    [Fact]
    public async Task ReturnsTheSecretString()
    {
        var id = "app/github-" + Guid.NewGuid().ToString("N");
        await CreateSecretAsync(id, "{\"token\":\"ghp_value\"}");
        using var http = new HttpClient();

        var value = await Client(http, TimeProvider.System).GetSecretStringAsync(id, CancellationToken.None);

        Assert.Equal("ghp_value", JsonNode.Parse(value)!["token"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServesFromMemoryUntilTheTtlThenReadsAgain()
    {
        var id = "app/cached-" + Guid.NewGuid().ToString("N");
        await CreateSecretAsync(id, "first");
        var counting = new CountingHandler();
        using var http = new HttpClient(counting);
        var time = new FakeTimeProvider();
        var client = Client(http, time);

        Assert.Equal("first", await client.GetSecretStringAsync(id, CancellationToken.None));
        await PutSecretValueAsync(id, "second");
        time.Advance(SecretsManagerClientOptions.DefaultCacheTtl - TimeSpan.FromSeconds(1));
        Assert.Equal("first", await client.GetSecretStringAsync(id, CancellationToken.None));
        Assert.Equal(1, counting.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("second", await client.GetSecretStringAsync(id, CancellationToken.None));
        Assert.Equal(2, counting.Count);
    }

    [Fact]
    public async Task AMissingSecretThrowsNamingItAndTheReasonWithoutCredentials()
    {
        var id = "app/missing-" + Guid.NewGuid().ToString("N");
        var counting = new CountingHandler();
        using var http = new HttpClient(counting);
        var client = Client(http, TimeProvider.System);

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => client.GetSecretStringAsync(id, CancellationToken.None));

        Assert.Equal(id, error.SecretId);
        Assert.Contains(id, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("ResourceNotFoundException", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("testing", error.Message, StringComparison.Ordinal);

        // Failures are not cached: the next read asks again.
        await Assert.ThrowsAsync<SecretUnavailableException>(() => client.GetSecretStringAsync(id, CancellationToken.None));
        Assert.Equal(2, counting.Count);
    }

    private SecretsManagerClient Client(HttpClient http, TimeProvider time) =>
        new(http, new SecretsManagerClientOptions { Region = Region, Endpoint = moto.Endpoint, Credentials = Fake }, time);

    private Task CreateSecretAsync(string id, string value) =>
        CallAsync("CreateSecret", new JsonObject { ["Name"] = id, ["SecretString"] = value });

    private Task PutSecretValueAsync(string id, string value) =>
        CallAsync("PutSecretValue", new JsonObject { ["SecretId"] = id, ["SecretString"] = value });

    // Test setup through the same signer as the client, so nothing outside this repository is needed.
    private async Task CallAsync(string operation, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-Amz-Target"] = "secretsmanager." + operation };
        SigV4Signer.Sign(headers, moto.Endpoint, bytes, Fake.GetCredentials(), Region, "secretsmanager", TimeProvider.System.GetUtcNow().UtcDateTime);
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        foreach (var (name, value) in headers.Where(h => !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, operation + " failed: " + await response.Content.ReadAsStringAsync());
    }
}
