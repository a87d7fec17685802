using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using Automation.Core.Actions;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Telemetry;
using Polly;
using Polly.Retry;

namespace Automation.Core.Notify;

/// <summary>
/// Sends finished notifications to people (docs/notify.md): to a Slack-compatible incoming webhook whose URL is a
/// secret, and/or as JSON to an SQS queue. Each channel is tried on its own, concurrently, with retries of its
/// transient failures within the deadline; a channel that accepted is not sent to again within the call.
/// </summary>
public sealed class Notifier
{
    /// <summary>The variable naming the Secrets Manager secret that holds the webhook URL.</summary>
    public const string WebhookSecretVariable = "NOTIFY_WEBHOOK_SECRET_ARN";

    /// <summary>The variable holding the SQS queue URL.</summary>
    public const string QueueUrlVariable = "NOTIFY_QUEUE_URL";

    public const string WebhookChannel = "webhook";
    public const string SqsChannel = "sqs";

    private readonly IReadOnlyList<INotificationChannel> _channels;
    private readonly NotifyRetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly JsonLog _log;

    internal Notifier(IReadOnlyList<INotificationChannel> channels, NotifyRetryOptions retry, TimeProvider time, JsonLog log)
    {
        _channels = channels;
        _retry = retry;
        _time = time;
        _log = log;
        Channels = [.. channels.Select(c => c.Name)];
    }

    /// <summary>The configured channels: "webhook", "sqs".</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>
    /// The notifier the environment configures, or null when neither channel is: the webhook when the secret named by
    /// <see cref="WebhookSecretVariable"/> was loaded, SQS when <see cref="QueueUrlVariable"/> is set. The SQS client's
    /// endpoint, region and credentials come from the SDK's standard variables, read through <paramref name="environment"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">The webhook secret is not a usable URL, or the queue URL is not one.</exception>
    public static Notifier? FromEnvironment(Func<string, string?> environment, FunctionSecrets secrets, TimeProvider time, JsonLog log) =>
        FromEnvironment(environment, secrets, time, log, NotifyRetryOptions.Default, WebhookSender.CreateHttpClient);

    /// <summary>The same with retry options and the webhook's HTTP client given (tests).</summary>
    internal static Notifier? FromEnvironment(
        Func<string, string?> environment, FunctionSecrets secrets, TimeProvider time, JsonLog log, NotifyRetryOptions retry, Func<HttpClient> createHttp)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(secrets);
        var channels = new List<INotificationChannel>();
        if (secrets.Has(WebhookSecretVariable))
        {
            try
            {
                // INIT has just read the secret, so this comes from the cache: a malformed one fails INIT, not the first notice.
                _ = WebhookUrl.Parse(secrets.GetAsync(WebhookSecretVariable, CancellationToken.None).GetAwaiter().GetResult());
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"{WebhookSecretVariable}: {e.Message}.");
            }
            channels.Add(new WebhookSender(token => secrets.GetAsync(WebhookSecretVariable, token), createHttp(), time));
        }

        string? queueUrl = null;
        if (NonEmpty(environment(QueueUrlVariable)) is { } queue)
        {
            if (!Uri.TryCreate(queue, UriKind.Absolute, out var url) || !NotificationText.IsAllowedScheme(url))
            {
                throw new ConfigurationException($"{QueueUrlVariable} must be an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME).");
            }
            queueUrl = url.AbsoluteUri;
            var config = SqsConfig(environment, url);
            var credentials = Credentials(environment);
            var client = credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(credentials, config);
            channels.Add(new SqsSender(client, queueUrl));
        }

        if (channels.Count == 0)
        {
            return null;
        }
        log.Info("notifications ready", json =>
        {
            json.WriteStartArray("channels");
            foreach (var channel in channels)
            {
                json.WriteStringValue(channel.Name);
            }
            json.WriteEndArray();
            if (queueUrl is not null)
            {
                json.WriteString("queue", queueUrl);
            }
        });
        return new Notifier(channels, retry, time, log);
    }

    /// <summary>
    /// Sends <paramref name="notification"/> to <paramref name="channels"/> (null: every configured one), each with
    /// retries of its transient failures until <paramref name="deadline"/>. Succeeded when every channel accepted it;
    /// Failed when one refused it for good or is not configured (the facts name the channel and its status); Retry when
    /// one kept failing transiently until the deadline and none refused.
    /// </summary>
    public async Task<ActionResult> SendAsync(Notification notification, IReadOnlyCollection<string>? channels, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var wanted = channels is null ? Channels : channels.Distinct(StringComparer.Ordinal).ToList();
        var missing = wanted.Where(name => !Channels.Contains(name, StringComparer.Ordinal)).ToList();
        if (wanted.Count == 0 || missing.Count > 0)
        {
            var facts = new Dictionary<string, string>(StringComparer.Ordinal) { ["channels"] = string.Join(",", wanted) };
            return ActionResult.Failed(wanted.Count == 0
                ? "no notification channel to send to"
                : $"notification channel{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} not configured (set {WebhookSecretVariable} or {QueueUrlVariable})", facts);
        }

        var selected = _channels.Where(c => wanted.Contains(c.Name, StringComparer.Ordinal)).ToList();
        var outcomes = await Task.WhenAll(selected.Select(c => SendToAsync(c, notification, deadline, cancellationToken))).ConfigureAwait(false);
        return Result(selected, outcomes);
    }

    private async Task<ChannelOutcome> SendToAsync(INotificationChannel channel, Notification notification, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var remaining = deadline - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return ChannelOutcome.Transient("the deadline passed before it was sent");
        }

        // A far deadline (say DateTimeOffset.MaxValue) is more than a timer can hold; a day is as good as never here.
        using var untilDeadline = new CancellationTokenSource(remaining < TimeSpan.FromDays(1) ? remaining : TimeSpan.FromDays(1), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, untilDeadline.Token);
        ChannelOutcome? last = null;
        var pipeline = new ResiliencePipelineBuilder<ChannelOutcome> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<ChannelOutcome>
            {
                MaxRetryAttempts = _retry.MaxRetryAttempts,
                Delay = _retry.BaseDelay,
                MaxDelay = _retry.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // A Retry-After that ends after the deadline is not waited for: the batch is retried instead.
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Result is { Kind: ChannelOutcomeKind.Transient } result
                    && (result.RetryAfter is not { } wait || _time.GetUtcNow() + wait < deadline)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    _log.Warn("notification retried", json =>
                    {
                        json.WriteString("channel", channel.Name);
                        json.WriteString("rule", notification.RuleId);
                        json.WriteNumber("attempt", args.AttemptNumber + 1);
                        json.WriteNumber("delayMs", Math.Round(args.RetryDelay.TotalMilliseconds, 1));
                        json.WriteString("reason", args.Outcome.Result?.Detail ?? "");
                    });
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        try
        {
            return await pipeline.ExecuteAsync(async token =>
            {
                using var attemptTimeout = new CancellationTokenSource(_retry.AttemptTimeout, _time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token, attemptTimeout.Token);
                var outcome = await channel.AttemptAsync(notification, attempt.Token).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                // An attempt the deadline cut short says less than the answer before it: keep that one for the report.
                last = token.IsCancellationRequested && last is not null ? last : outcome;
                return outcome;
            }, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline came during an attempt or a wait: report what the last attempt said.
            return last is { Kind: ChannelOutcomeKind.Transient } ? last : ChannelOutcome.Transient("the deadline came before it was sent");
        }
    }

    private static ActionResult Result(List<INotificationChannel> channels, ChannelOutcome[] outcomes)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal) { ["channels"] = string.Join(",", channels.Select(c => c.Name)) };
        var parts = new List<string>();
        for (var i = 0; i < channels.Count; i++)
        {
            var (name, outcome) = (channels[i].Name, outcomes[i]);
            facts[name] = outcome.Kind switch
            {
                ChannelOutcomeKind.Accepted => "accepted",
                ChannelOutcomeKind.Refused => "refused",
                _ => "retry",
            };
            if (outcome.Status is { } status)
            {
                facts[name + "Status"] = status;
            }
            if (outcome.MessageId is { } id)
            {
                facts[name + "MessageId"] = id;
            }
            parts.Add($"{name} {facts[name]}: {outcome.Detail}");
        }

        var detail = string.Join("; ", parts);
        if (outcomes.Any(o => o.Kind == ChannelOutcomeKind.Refused))
        {
            return ActionResult.Failed("notification refused: " + detail, facts);
        }
        return outcomes.All(o => o.Kind == ChannelOutcomeKind.Accepted)
            ? ActionResult.Succeeded("notified: " + detail, facts)
            : ActionResult.Retry("notification not delivered before the deadline: " + detail, facts);
    }

    /// <summary>
    /// The SQS client's configuration the way the SDK reads its standard variables, but from
    /// <paramref name="environment"/> (the CLI overlays it; in Lambda it is the process environment): the endpoint
    /// from AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), the region
    /// from AWS_REGION, else AWS_DEFAULT_REGION, else the queue URL's host (sqs.REGION.amazonaws.com).
    /// </summary>
    internal static AmazonSQSConfig SqsConfig(Func<string, string?> environment, Uri queueUrl)
    {
        var config = SqsSender.Config();
        var region = NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION")) ?? RegionOf(queueUrl);
        string? endpoint = null;
        if (!string.Equals(environment("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = NonEmpty(environment("AWS_ENDPOINT_URL_SQS")) ?? NonEmpty(environment("AWS_ENDPOINT_URL"));
        }
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            if (region is not null)
            {
                config.AuthenticationRegion = region;
            }
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return config;
    }

    /// <summary>Keys from the lookup when it has them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); else null: the SDK's default chain.</summary>
    private static AWSCredentials? Credentials(Func<string, string?> environment)
    {
        if (NonEmpty(environment("AWS_ACCESS_KEY_ID")) is not { } key || NonEmpty(environment("AWS_SECRET_ACCESS_KEY")) is not { } secret)
        {
            return null;
        }
        return NonEmpty(environment("AWS_SESSION_TOKEN")) is { } token ? new SessionAWSCredentials(key, secret, token) : new BasicAWSCredentials(key, secret);
    }

    private static string? RegionOf(Uri queueUrl)
    {
        // https://sqs.eu-west-1.amazonaws.com/123456789012/name
        var labels = queueUrl.Host.Split('.');
        return labels.Length >= 4 && labels[0] == "sqs" ? labels[1] : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
