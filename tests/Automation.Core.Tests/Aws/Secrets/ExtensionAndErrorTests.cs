using System.Text.Json.Nodes;
using Amazon.Runtime;
using Automation.Core.Aws.Secrets;

namespace Automation.Core.Tests.Aws.Secrets;

/// <summary>The Parameters and Secrets extension path, and what an error response may and may not put in a message.</summary>
public sealed class ExtensionAndErrorTests
{
    private static readonly BasicAWSCredentials Fake = new("testing", "testing");

    [Fact]
    public async Task ReadsThroughTheExtensionWithTheSessionTokenAndTheEscapedId()
    {
        const string id = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/github token+x";
        var document = new JsonObject { ["ARN"] = id, ["Name"] = "prod/github token+x", ["SecretString"] = "s3cr3t", ["VersionStages"] = new JsonArray("AWSCURRENT") };
        await using var extension = await FakeHttpServer.StartAsync(200, "application/json", document.ToJsonString());
        using var http = new HttpClient();
        var client = new SecretsManagerClient(http, new SecretsManagerClientOptions
        {
            Region = "us-east-1",
            Credentials = Fake,
            ExtensionEndpoint = extension.Address,
            ExtensionToken = "session-token-value",
        });

        Assert.Equal("s3cr3t", await client.GetSecretStringAsync(id, CancellationToken.None));
        Assert.Equal("s3cr3t", await client.GetSecretStringAsync(id, CancellationToken.None));

        var request = Assert.Single(extension.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/secretsmanager/get", request.Path);
        Assert.Equal(id, request.Query["secretId"]);
        Assert.Equal("session-token-value", request.Headers["X-Aws-Parameters-Secrets-Token"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task AnErrorReportsOnlyTheCodeAndMessageOfTheBody()
    {
        var body = new JsonObject
        {
            ["__type"] = "com.amazonaws.secretsmanager#AccessDeniedException",
            ["message"] = "not authorized to perform secretsmanager:GetSecretValue",
            ["SecretString"] = "leaked-canary",
        };
        await using var api = await FakeHttpServer.StartAsync(400, "application/x-amz-json-1.1", body.ToJsonString());
        using var http = new HttpClient();
        var client = new SecretsManagerClient(http, new SecretsManagerClientOptions { Region = "us-east-1", Endpoint = api.Address, Credentials = Fake });

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => client.GetSecretStringAsync("prod/key", CancellationToken.None));

        Assert.Equal("AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue", error.Reason);
        Assert.Contains("prod/key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("leaked-canary", error.ToString(), StringComparison.Ordinal);
        var request = Assert.Single(api.Requests);
        Assert.Equal("secretsmanager.GetSecretValue", request.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["Content-Type"]);
    }

    [Fact]
    public async Task AnUnparsableSuccessBodyIsNotQuoted()
    {
        await using var api = await FakeHttpServer.StartAsync(200, "application/x-amz-json-1.1", "canary-value-not-json");
        using var http = new HttpClient();
        var client = new SecretsManagerClient(http, new SecretsManagerClientOptions { Region = "us-east-1", Endpoint = api.Address, Credentials = Fake });

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => client.GetSecretStringAsync("prod/key", CancellationToken.None));

        Assert.DoesNotContain("canary", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableEndpointIsASecretUnavailableException()
    {
        // A loopback port nobody listens on: take a free one and release it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var client = new SecretsManagerClient(http, new SecretsManagerClientOptions { Region = "us-east-1", Endpoint = new Uri($"http://127.0.0.1:{port}/"), Credentials = Fake });

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => client.GetSecretStringAsync("prod/key", CancellationToken.None));

        Assert.StartsWith("HttpRequestException", error.Reason, StringComparison.Ordinal);
    }
}
