namespace Automation.Core.Pipeline;

/// <summary>The kinds of event Lambda invokes a function with, told apart by <see cref="LambdaEventRouter"/>.</summary>
internal enum LambdaEventKind
{
    /// <summary>None of the keys the router knows: handed to the Kafka handler, whose decoder says what is wrong.</summary>
    Unknown,

    /// <summary>An MSK event source mapping's batch: <c>{"eventSource":"aws:kafka","records":{...}}</c>.</summary>
    Kafka,

    /// <summary>A CloudWatch Logs subscription event: <c>{"awslogs":{"data":"..."}}</c>.</summary>
    CloudWatchLogs,

    /// <summary>An EventBridge event, such as the schedule's: <c>{"source":"aws.events","detail-type":"Scheduled Event",...}</c>.</summary>
    Scheduled,
}
