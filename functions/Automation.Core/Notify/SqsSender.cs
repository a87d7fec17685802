using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Automation.Core.Notify;

/// <summary>
/// Sends the notification's JSON (<see cref="NotificationJson"/>) to an SQS queue with SendMessage. On a FIFO queue
/// (URL ending .fifo) the message group is the rule, so a rule's notices arrive in order, and the deduplication id is
/// a hash of the notification's id, so the same notice sent twice within SQS's five-minute window is delivered once.
/// Throttling, 5xx and transport errors are transient; everything else (no such queue, access denied, KMS errors,
/// invalid parameters) is a refusal. The client's own retries are off: the notifier retries.
/// </summary>
internal sealed partial class SqsSender : INotificationChannel
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestThrottled",
        "ThrottlingException",
        "Throttling",
        "KmsThrottled",
        "ServiceUnavailable",
        "InternalError",
        "InternalFailure",
        "RequestTimeout",
        "ExpiredToken",
        "ExpiredTokenException",
    };

    private readonly IAmazonSQS _client;
    private readonly string _queueUrl;

    public SqsSender(IAmazonSQS client, string queueUrl)
    {
        _client = client;
        _queueUrl = queueUrl;
        IsFifo = queueUrl.EndsWith(".fifo", StringComparison.Ordinal);
    }

    public string Name => Notifier.SqsChannel;

    public bool IsFifo { get; }

    /// <summary>An SQS client configuration without the SDK's own retries (the notifier retries, as the state store does).</summary>
    public static AmazonSQSConfig Config() => new() { RetryMode = RequestRetryMode.Standard, MaxErrorRetry = 0 };

    public async Task<ChannelOutcome> AttemptAsync(Notification notification, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest
        {
            QueueUrl = _queueUrl,
            MessageBody = NotificationJson.Serialize(notification),
            // Attributes let a consumer or a subscription filter without parsing the body.
            MessageAttributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
            {
                ["event"] = new() { DataType = "String", StringValue = NotificationText.EventName(notification.Event) },
                ["ruleId"] = new() { DataType = "String", StringValue = NonEmpty(NotificationText.Bounded(notification.RuleId, 256)) },
                ["function"] = new() { DataType = "String", StringValue = NonEmpty(NotificationText.Bounded(notification.Function, 256)) },
                ["schemaVersion"] = new() { DataType = "Number", StringValue = NotificationJson.SchemaVersion.ToString(CultureInfo.InvariantCulture) },
            },
        };
        if (IsFifo)
        {
            request.MessageGroupId = GroupId(notification.RuleId);
            request.MessageDeduplicationId = DeduplicationId(notification.Id);
        }

        try
        {
            var response = await _client.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
            return ChannelOutcome.Accepted("message " + response.MessageId, "200", response.MessageId);
        }
        catch (AmazonServiceException e) when (e.ErrorCode is { Length: > 0 } || e.StatusCode != 0)
        {
            var code = string.IsNullOrEmpty(e.ErrorCode) ? ((int)e.StatusCode).ToString(CultureInfo.InvariantCulture) : e.ErrorCode;
            var detail = $"{code} (HTTP {((int)e.StatusCode).ToString(CultureInfo.InvariantCulture)}): {NotificationText.OneLine(e.Message, 300)}";
            return IsTransient(e) ? ChannelOutcome.Transient(detail, code) : ChannelOutcome.Refused(detail, code);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException or AmazonServiceException)
        {
            // Transport and credential-resolution failures: worth another try within the deadline.
            return ChannelOutcome.Transient($"SQS could not be reached ({e.GetType().Name}: {NotificationText.OneLine(e.Message, 200)})");
        }
        catch (OperationCanceledException)
        {
            return ChannelOutcome.Transient("SQS did not answer in time");
        }
    }

    /// <summary>A valid MessageDeduplicationId for any id: the SHA-256 of its UTF-8, in hex (64 characters).</summary>
    internal static string DeduplicationId(string id) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id ?? "")));

    /// <summary>The rule id when it is a valid MessageGroupId (1-128 of SQS's allowed characters), else a hash of it.</summary>
    internal static string GroupId(string ruleId) =>
        ruleId is { Length: > 0 and <= 128 } && AllowedId().IsMatch(ruleId) ? ruleId : "rule-" + DeduplicationId(ruleId)[..32];

    private static bool IsTransient(AmazonServiceException e) =>
        (e.ErrorCode is { } code && TransientCodes.Contains(code))
        || e.StatusCode == HttpStatusCode.TooManyRequests
        || (int)e.StatusCode >= 500;

    private static string NonEmpty(string value) => value.Length == 0 ? "-" : value;

    // SQS: alphanumeric characters and punctuation !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
    [GeneratedRegex("""^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]+$""")]
    private static partial Regex AllowedId();
}
