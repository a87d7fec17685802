using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Automation.Core.Aws;

/// <summary>
/// Builds AWS service clients configured the standard way, so the same code runs in Lambda, locally and against an
/// emulator without changes. AWSSDK.Core 4.x resolves all of it itself when the client is created: the region from
/// <c>AWS_REGION</c> (or the profile), the endpoint from <c>AWS_ENDPOINT_URL_DYNAMODB</c>, else <c>AWS_ENDPOINT_URL</c>
/// (unless <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is true), credentials from the default chain (the Lambda
/// environment variables in Lambda, profiles locally). Nothing here reads those variables, so nothing can disagree
/// with the SDK about them.
/// </summary>
public static class AwsClients
{
    /// <summary>
    /// A DynamoDB client configuration without the SDK's own retries: the state store retries with backoff itself
    /// (one Polly pipeline, see DynamoDbRuleStateStore), and two layers would multiply the waits. Callers may change it
    /// (tests set an endpoint or HTTP factory) before passing it to <see cref="CreateDynamoDb"/>.
    /// </summary>
    public static AmazonDynamoDBConfig DynamoDbConfig() => new() { RetryMode = RequestRetryMode.Standard, MaxErrorRetry = 0 };

    /// <summary>
    /// A DynamoDB client from <paramref name="config"/> (default: <see cref="DynamoDbConfig"/>) and
    /// <paramref name="credentials"/> (default: the SDK's default credential chain).
    /// </summary>
    public static IAmazonDynamoDB CreateDynamoDb(AmazonDynamoDBConfig? config = null, AWSCredentials? credentials = null)
    {
        config ??= DynamoDbConfig();
        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }
}
