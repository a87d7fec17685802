using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Automation.Core.Aws;
using Automation.Core.State;
using Automation.Testing;

namespace Automation.Core.Tests.State;

/// <summary>
/// The SDK itself reads the standard variables; these tests set them for the process, so they run in the moto
/// collection (never alongside the other AWS tests) and restore them afterwards.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class AwsClientsTests(MotoServer moto)
{
    private static readonly string[] Variables = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"];

    [Fact]
    public async Task The_service_specific_endpoint_variable_points_the_client_at_moto()
    {
        await WithEnvironmentAsync(new()
        {
            ["AWS_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9", // the discard port: would fail if it were used
            ["AWS_ENDPOINT_URL_DYNAMODB"] = moto.Endpoint.ToString(),
        }, async () =>
        {
            using var client = AwsClients.CreateDynamoDb(credentials: MotoDynamoDb.FakeCredentials);

            // Check where the client would go before it goes anywhere: never past loopback.
            Assert.Equal(moto.Endpoint, new Uri(EndpointOf(client)));
            Assert.Equal("eu-west-1", client.Config.RegionEndpoint.SystemName);
            var table = await MotoDynamoDb.CreateTableAsync(client);
            var claim = new LedgerClaim("r", "t", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(1), DateTimeOffset.UnixEpoch.AddSeconds(1), LedgerState.Claimed);
            Assert.True((await new DynamoDbRuleStateStore(client, table).ClaimAsync("k", claim, CancellationToken.None)).Won);
        });
    }

    [Fact]
    public async Task The_global_endpoint_variable_applies_when_no_service_specific_one_is_set()
    {
        await WithEnvironmentAsync(new()
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString(),
        }, async () =>
        {
            using var client = AwsClients.CreateDynamoDb(credentials: MotoDynamoDb.FakeCredentials);

            Assert.Equal(moto.Endpoint, new Uri(EndpointOf(client)));
            var tables = await client.ListTablesAsync(new ListTablesRequest());
            Assert.Equal(System.Net.HttpStatusCode.OK, tables.HttpStatusCode);
        });
    }

    [Fact]
    public void The_sdk_does_not_retry_itself_so_the_stores_backoff_is_the_only_one() =>
        Assert.Equal(0, AwsClients.DynamoDbConfig().MaxErrorRetry);

    [Fact]
    public void The_store_from_the_environment_needs_the_table_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DynamoDbRuleStateStore.FromEnvironment(_ => null));
        Assert.Contains(DynamoDbRuleStateStore.TableEnvironmentVariable, error.Message, StringComparison.Ordinal);
    }

    private static string EndpointOf(IAmazonDynamoDB client) =>
        ((AmazonDynamoDBClient)client).DetermineServiceOperationEndpoint(new ListTablesRequest()).URL;

    private static async Task WithEnvironmentAsync(Dictionary<string, string> values, Func<Task> body)
    {
        var saved = Variables.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in Variables)
            {
                Environment.SetEnvironmentVariable(name, values.GetValueOrDefault(name));
            }
            await body();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
