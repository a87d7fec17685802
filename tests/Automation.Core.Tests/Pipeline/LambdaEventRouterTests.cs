using System.Text;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.Core.Tests.Lambda;
using Automation.Testing;

namespace Automation.Core.Tests.Pipeline;

/// <summary>The router tells CloudWatch Logs events from Kafka batches by their top-level keys, and hands each to its handler.</summary>
public sealed class LambdaEventRouterTests
{
    private static readonly LambdaContext Context = new("req-1", DateTimeOffset.UtcNow.AddMinutes(1), null, null);

    public static TheoryData<string> KafkaFixtures() =>
    [
        "aws-lambda-dotnet__EventsTests.Shared__kafka-event.json",
        "aws-lambda-dotnet__LambdaTestTool__kafka-event.json",
        "powertools-python__kafkaEventMsk__fa1c29f.json",
        "powertools-python__kafkaEventSelfManaged.json",
        "powertools-dotnet__Kafka.Tests__Protobuf__kafka-protobuf-glue-event.json",
    ];

    [Theory]
    [MemberData(nameof(KafkaFixtures))]
    public void Every_real_Kafka_event_is_Kafka(string file)
    {
        Assert.Equal(LambdaEventKind.Kafka, LambdaEventRouter.Classify(Fixtures.Bytes("events", file)));
    }

    [Fact]
    public void A_real_CloudWatch_Logs_event_is_CloudWatch_Logs_wherever_its_key_is()
    {
        Assert.Equal(LambdaEventKind.CloudWatchLogs, LambdaEventRouter.Classify(Fixtures.Bytes("cloudwatch-logs", "aws-lambda-dotnet__EventsTests.Shared__logs-event.json")));
        Assert.Equal(LambdaEventKind.CloudWatchLogs, LambdaEventRouter.Classify("{\"other\":{\"records\":[1,{\"a\":2}]},\"awslogs\":{\"data\":\"\"}}"u8));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"version\":\"0\",\"detail\":{\"awslogs\":1}}")]
    [InlineData("{\"a\":")]
    public void Anything_else_is_unknown(string payload)
    {
        Assert.Equal(LambdaEventKind.Unknown, LambdaEventRouter.Classify(Encoding.UTF8.GetBytes(payload)));
    }

    [Fact]
    public async Task Each_event_goes_to_its_handler_and_unknown_ones_to_the_Kafka_handler()
    {
        var seen = new List<string>();
        var kafka = new DelegateHandler((_, _, _) => { seen.Add("kafka"); return Task.FromResult("k"u8.ToArray()); });
        var logs = new DelegateHandler((_, _, _) => { seen.Add("logs"); return Task.FromResult("l"u8.ToArray()); });
        var router = new LambdaEventRouter(kafka, logs);

        var answers = new List<byte[]>
        {
            await router.HandleAsync(Fixtures.Bytes("events", "powertools-python__kafkaEventMsk__fa1c29f.json"), Context, CancellationToken.None),
            await router.HandleAsync(CloudWatchLogsEvents.Control(), Context, CancellationToken.None),
            await router.HandleAsync("garbage"u8.ToArray(), Context, CancellationToken.None),
        };

        Assert.Equal(["kafka", "logs", "kafka"], seen);
        Assert.Equal(["k", "l", "k"], answers.Select(Encoding.UTF8.GetString));
    }

    // EventBridge's scheduled event, as its documentation shows it.
    private static readonly byte[] ScheduledEvent = Encoding.UTF8.GetBytes(
        "{\"version\":\"0\",\"id\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\"," +
        "\"account\":\"123456789012\",\"time\":\"2019-10-08T16:53:06Z\",\"region\":\"us-east-1\"," +
        "\"resources\":[\"arn:aws:events:us-east-1:123456789012:rule/MyScheduledRule\"],\"detail\":{}}");

    [Fact]
    public void An_EventBridge_event_is_scheduled()
    {
        Assert.Equal(LambdaEventKind.Scheduled, LambdaEventRouter.Classify(ScheduledEvent));
    }

    [Fact]
    public async Task A_scheduled_event_goes_to_the_sweep_and_without_one_to_the_Kafka_handler_which_says_what_is_wrong()
    {
        var seen = new List<string>();
        var kafka = new DelegateHandler((_, _, _) => { seen.Add("kafka"); return Task.FromResult("k"u8.ToArray()); });
        var sweep = new DelegateHandler((_, _, _) => { seen.Add("sweep"); return Task.FromResult("s"u8.ToArray()); });

        await new LambdaEventRouter(kafka, cloudWatchLogs: null, sweep).HandleAsync(ScheduledEvent, Context, CancellationToken.None);
        await new LambdaEventRouter(kafka, cloudWatchLogs: null, scheduled: null).HandleAsync(ScheduledEvent, Context, CancellationToken.None);
        await new LambdaEventRouter(kafka, cloudWatchLogs: null, sweep).HandleAsync(CloudWatchLogsEvents.Control(), Context, CancellationToken.None);

        Assert.Equal(["sweep", "kafka", "kafka"], seen);
    }
}
