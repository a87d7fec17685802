using System.Text.Json;
using Amazon.SQS;
using Automation.Core.Actions;
using Automation.Core.Aws.Secrets;
using Automation.Core.Configuration;
using Automation.Core.Notify;
using Automation.Core.Telemetry;
using Automation.Testing;
using Automation.Testing.Webhooks;

namespace Automation.Core.Tests.Notify;

/// <summary>
/// The notifier as a function builds it at INIT: the webhook URL from a Secrets Manager secret (moto), in either
/// format, the queue from NOTIFY_QUEUE_URL; no notifier without either; a malformed secret or queue URL fails INIT
/// without showing the value.
/// </summary>
public sealed class NotifierConfigurationTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime
{
    private static readonly NotifyRetryOptions FastRetry = new() { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) };

    private readonly StringWriter _log = new();
    private readonly IAmazonSQS _sqs = MotoSqs.Client(moto);
    private FakeWebhook _webhook = null!;

    public async Task InitializeAsync() => _webhook = await FakeWebhook.StartAsync();

    public async Task DisposeAsync()
    {
        _sqs.Dispose();
        await _webhook.DisposeAsync();
    }

    private async Task<FunctionSecrets> LoadSecretAsync(string? value, Dictionary<string, string> environment)
    {
        if (value is not null)
        {
            environment[Notifier.WebhookSecretVariable] = await MotoSecretsManager.CreateSecretAsync(moto, "notify/webhook-" + Guid.NewGuid().ToString("N"), value);
        }
        return await FunctionSecrets.LoadAsync(
            [Notifier.WebhookSecretVariable],
            n => environment.GetValueOrDefault(n),
            () => new SecretsManagerClient(new HttpClient(), new SecretsManagerClientOptions
            {
                Region = MotoSecretsManager.Region,
                Endpoint = moto.Endpoint,
                Credentials = MotoDynamoDb.FakeCredentials,
            }),
            CancellationToken.None);
    }

    private Notifier? Create(Dictionary<string, string> environment, FunctionSecrets secrets) =>
        Notifier.FromEnvironment(n => environment.GetValueOrDefault(n), secrets, TimeProvider.System, new JsonLog(_log, TimeProvider.System), FastRetry, WebhookSender.CreateHttpClient);

    public static TheoryData<bool> SecretFormats() => [false, true];

    [Theory]
    [MemberData(nameof(SecretFormats))]
    public async Task Both_channels_from_a_secret_and_a_queue_each_get_the_notice(bool json)
    {
        var environment = MotoSqs.Environment(moto);
        var queue = await MotoSqs.CreateQueueAsync(_sqs, fifo: false);
        environment[Notifier.QueueUrlVariable] = queue;
        var url = _webhook.Url.ToString();
        var secrets = await LoadSecretAsync(json ? JsonSerializer.Serialize(new Dictionary<string, string> { ["url"] = url }) : url, environment);

        var notifier = Create(environment, secrets);
        Assert.NotNull(notifier);
        var result = await notifier.SendAsync(Notifications.Sample(), null, DateTimeOffset.UtcNow.AddSeconds(10), CancellationToken.None);

        Assert.Equal(["webhook", "sqs"], notifier.Channels);
        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Equal("webhook,sqs", result.Facts!["channels"]);
        Assert.Equal("accepted", result.Facts["webhook"]);
        Assert.Equal("accepted", result.Facts["sqs"]);
        Assert.Single(_webhook.Posts);
        Assert.Single(await MotoSqs.ReceiveAllAsync(_sqs, queue));
        var ready = _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(l => l.GetProperty("message").GetString() == "notifications ready");
        Assert.Equal(["webhook", "sqs"], ready.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        AssertNotShown(_webhook.Path, result);
    }

    [Fact]
    public async Task A_refusing_webhook_fails_the_notice_while_the_queue_still_gets_it_once()
    {
        var environment = MotoSqs.Environment(moto);
        var queue = await MotoSqs.CreateQueueAsync(_sqs, fifo: false);
        environment[Notifier.QueueUrlVariable] = queue;
        var notifier = Create(environment, await LoadSecretAsync(_webhook.Url.ToString(), environment))!;
        _webhook.AnswerNext(WebhookAnswer.ChannelIsArchived);

        var result = await notifier.SendAsync(Notifications.Sample(), null, DateTimeOffset.UtcNow.AddSeconds(10), CancellationToken.None);

        Assert.Equal(ActionStatus.Failed, result.Status);
        Assert.Equal("refused", result.Facts!["webhook"]);
        Assert.Equal("410", result.Facts["webhookStatus"]);
        Assert.Equal("accepted", result.Facts["sqs"]);
        Assert.Single(await MotoSqs.ReceiveAllAsync(_sqs, queue));
        Assert.Single(_webhook.Posts);
        AssertNotShown(_webhook.Path, result);
    }

    [Fact]
    public async Task Only_the_channels_asked_for_are_sent_to()
    {
        var environment = MotoSqs.Environment(moto);
        var queue = await MotoSqs.CreateQueueAsync(_sqs, fifo: false);
        environment[Notifier.QueueUrlVariable] = queue;
        var notifier = Create(environment, await LoadSecretAsync(_webhook.Url.ToString(), environment))!;

        var result = await notifier.SendAsync(Notifications.Sample(), ["sqs"], DateTimeOffset.UtcNow.AddSeconds(10), CancellationToken.None);

        Assert.Equal(ActionStatus.Succeeded, result.Status);
        Assert.Equal("sqs", result.Facts!["channels"]);
        Assert.Empty(_webhook.Posts);
        Assert.Single(await MotoSqs.ReceiveAllAsync(_sqs, queue));
    }

    [Fact]
    public void Without_a_secret_or_a_queue_there_is_no_notifier()
    {
        Assert.Null(Create([], FunctionSecrets.None));
        Assert.Null(Create(new() { [Notifier.QueueUrlVariable] = "  " }, FunctionSecrets.None));
    }

    [Theory]
    [InlineData("{\"webhook\": \"https://hooks.example.com/services/T0/B0/secretpart\"}", "has no string field \"url\"")]
    [InlineData("http://hooks.example.com/services/T0/B0/secretpart", "must use https")]
    [InlineData("hooks.example.com/services/T0/B0/secretpart", "not an absolute http(s) URL")]
    public async Task A_malformed_webhook_secret_fails_init_without_showing_it(string value, string reason)
    {
        var environment = new Dictionary<string, string>();
        var secrets = await LoadSecretAsync(value, environment);

        var error = Assert.Throws<ConfigurationException>(() => Create(environment, secrets));

        Assert.StartsWith(Notifier.WebhookSecretVariable + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secretpart", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.example.com", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("http://sqs.us-east-1.amazonaws.com/123456789012/q")]
    public void A_queue_url_that_is_not_one_fails_init(string queue)
    {
        var error = Assert.Throws<ConfigurationException>(() => Create(new() { [Notifier.QueueUrlVariable] = queue }, FunctionSecrets.None));

        Assert.Contains(Notifier.QueueUrlVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sqs_region_and_endpoint_come_from_the_lookup_or_the_queue_url()
    {
        var queue = new Uri("https://sqs.eu-west-1.amazonaws.com/123456789012/team-notices");

        var fromUrl = Notifier.SqsConfig(_ => null, queue);
        var fromRegion = Notifier.SqsConfig(n => n == "AWS_REGION" ? "eu-central-1" : null, queue);
        var endpoint = Notifier.SqsConfig(n => n switch { "AWS_ENDPOINT_URL" => "http://127.0.0.1:4566", "AWS_DEFAULT_REGION" => "us-west-2", _ => null }, queue);
        var ignored = Notifier.SqsConfig(n => n switch { "AWS_ENDPOINT_URL_SQS" => "http://127.0.0.1:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" => "true", _ => null }, queue);

        Assert.Equal("eu-west-1", fromUrl.RegionEndpoint?.SystemName);
        Assert.Equal("eu-central-1", fromRegion.RegionEndpoint?.SystemName);
        Assert.Equal("http://127.0.0.1:4566", endpoint.ServiceURL?.TrimEnd('/'));
        Assert.Equal("us-west-2", endpoint.AuthenticationRegion);
        Assert.Null(ignored.ServiceURL);
        Assert.Equal("eu-west-1", ignored.RegionEndpoint?.SystemName);
        Assert.All([fromUrl, fromRegion, endpoint], c => Assert.Equal(0, c.MaxErrorRetry));
    }

    private void AssertNotShown(string webhookPath, ActionResult result)
    {
        var token = webhookPath[(webhookPath.LastIndexOf('/') + 1)..];
        Assert.DoesNotContain(token, _log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Facts ?? new Dictionary<string, string>(), f => f.Value.Contains(token, StringComparison.Ordinal));
    }
}
