using Amazon.SQS;
using Amazon.SQS.Model;

namespace Automation.Testing;

/// <summary>SQS on the moto server, with fake credentials: queues to send to and a client to read them back.</summary>
public static class MotoSqs
{
    public const string Region = "us-east-1";

    /// <summary>The variables a function would see to reach SQS on <paramref name="moto"/> (endpoint, region, fake keys).</summary>
    public static Dictionary<string, string> Environment(MotoServer moto)
    {
        ArgumentNullException.ThrowIfNull(moto);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ENDPOINT_URL_SQS"] = moto.Endpoint.ToString(),
            ["AWS_REGION"] = Region,
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
        };
    }

    public static IAmazonSQS Client(MotoServer moto)
    {
        ArgumentNullException.ThrowIfNull(moto);
        return new AmazonSQSClient(MotoDynamoDb.FakeCredentials, new AmazonSQSConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = Region });
    }

    /// <summary>Creates a fresh queue (FIFO when asked, without content-based deduplication) and returns its URL.</summary>
    public static async Task<string> CreateQueueAsync(IAmazonSQS client, bool fifo)
    {
        ArgumentNullException.ThrowIfNull(client);
        var name = "notify-" + Guid.NewGuid().ToString("N")[..12] + (fifo ? ".fifo" : "");
        var attributes = fifo ? new Dictionary<string, string> { ["FifoQueue"] = "true" } : new Dictionary<string, string>();
        var created = await client.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes });
        return created.QueueUrl;
    }

    /// <summary>Every message now on the queue (received once, with their attributes).</summary>
    public static async Task<IReadOnlyList<Message>> ReceiveAllAsync(IAmazonSQS client, string queueUrl)
    {
        ArgumentNullException.ThrowIfNull(client);
        var messages = new List<Message>();
        while (true)
        {
            var response = await client.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 0,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = ["All"],
            });
            if (response.Messages is not { Count: > 0 } batch)
            {
                return messages;
            }
            messages.AddRange(batch);
        }
    }
}
