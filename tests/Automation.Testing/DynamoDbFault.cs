namespace Automation.Testing;

/// <summary>What <see cref="FaultyDynamoDbProxy"/> does to one request instead of passing it on faithfully.</summary>
public enum DynamoDbFault
{
    /// <summary>Pass the request on and its answer back, faithfully (to queue a fault for a later request).</summary>
    None,

    /// <summary>Answer 400 ProvisionedThroughputExceededException, as DynamoDB does when a table is throttled; moto never sees it.</summary>
    Throttle,

    /// <summary>Answer 500 InternalServerError; moto never sees it.</summary>
    ServerError,

    /// <summary>Let moto carry the request out, then answer 500 as if the response were lost on the way back.</summary>
    LoseAnswer,
}
