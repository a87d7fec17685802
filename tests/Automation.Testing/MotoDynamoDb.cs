using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Automation.Core.Aws;
using Automation.Core.State;

namespace Automation.Testing;

/// <summary>Clients and tables on the moto server, with fake credentials: these tests never read real ones.</summary>
public static class MotoDynamoDb
{
    public static readonly AWSCredentials FakeCredentials = new BasicAWSCredentials("testing", "testing");

    public static AmazonDynamoDBConfig Config(MotoServer moto, HttpClientFactory? http = null)
    {
        var config = AwsClients.DynamoDbConfig();
        config.ServiceURL = moto.Endpoint.ToString();
        config.AuthenticationRegion = "us-east-1";
        if (http is not null)
        {
            config.HttpClientFactory = http;
        }
        return config;
    }

    public static IAmazonDynamoDB Client(MotoServer moto, HttpClientFactory? http = null) =>
        AwsClients.CreateDynamoDb(Config(moto, http), FakeCredentials);

    /// <summary>Creates a fresh table the way the template does (on demand, TTL on expires_at) and returns its name.</summary>
    public static async Task<string> CreateTableAsync(IAmazonDynamoDB client)
    {
        var name = "state-" + Guid.NewGuid().ToString("N");
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new AttributeDefinition(DynamoDbRuleStateStore.PartitionKey, ScalarAttributeType.S),
                new AttributeDefinition(DynamoDbRuleStateStore.SortKey, ScalarAttributeType.S),
            ],
            KeySchema =
            [
                new KeySchemaElement(DynamoDbRuleStateStore.PartitionKey, KeyType.HASH),
                new KeySchemaElement(DynamoDbRuleStateStore.SortKey, KeyType.RANGE),
            ],
        });
        await client.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
        {
            TableName = name,
            TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = DynamoDbRuleStateStore.ExpiresAt, Enabled = true },
        });
        return name;
    }
}
