using Amazon.Runtime;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using Automation.LogForwarder.Audit;
using Automation.LogForwarder.Auth;
using Automation.LogForwarder.Bulk;

namespace Automation.LogForwarder;

/// <summary>
/// LogForwarderFunction's object graph: the shared pipeline with <see cref="ForwardSink"/> as its action stage, and
/// <see cref="AuditLogsHandler"/> for the CloudWatch Logs subscription events of the action functions' audit lines.
/// </summary>
internal static class LogForwarderFunction
{
    public const string LogicalId = "LogForwarderFunction";

    /// <summary>Secret with OpenSearch basic-auth credentials (JSON username and password), used when OPENSEARCH_AUTH is basic.</summary>
    public const string OpenSearchSecretVariable = "OPENSEARCH_SECRET_ARN";

    /// <summary>The function as Lambda runs it (settings from the process environment).</summary>
    public static FunctionDefinition Definition => For(Environment.GetEnvironmentVariable);

    /// <summary>
    /// The function over <paramref name="environment"/>. Tests pass a handler (a loopback server), credentials and
    /// send options (short backoff); Lambda passes none: the platform's TLS handler, the role, the defaults.
    /// </summary>
    internal static FunctionDefinition For(
        Func<string, string?> environment, HttpMessageHandler? handler = null, AWSCredentials? credentials = null, BulkSendOptions? sendOptions = null)
    {
        // The Kafka sink and the audit handler of one INIT (one services instance) share one connection, made by whichever asks first.
        (FunctionServices Services, ForwardingSettings Settings, BulkSender? Sender)? connection = null;
        (ForwardingSettings Settings, BulkSender? Sender) Connect(FunctionServices services)
        {
            if (connection is not { } made || !ReferenceEquals(made.Services, services))
            {
                made = (services, services.Rules.Forwarding ?? ForwardingSettings.Default, CreateSender(services, environment, handler, credentials, sendOptions));
                connection = made;
            }
            return (made.Settings, made.Sender);
        }

        return new(LogicalId, [OpenSearchSecretVariable], services =>
        {
            var (settings, sender) = Connect(services);
            return new ForwardSink(services, settings, services.Rules.Rules, sender);
        })
        {
            // The action functions' log groups are subscribed to this function (template.yaml): their audit lines.
            CreateLogEventsHandler = services =>
            {
                var (settings, sender) = Connect(services);
                return new AuditLogsHandler(services, settings, sender);
            },
        };
    }

    /// <summary>The bulk sender over the configured endpoint and auth; null in dry-run.</summary>
    private static BulkSender? CreateSender(
        FunctionServices services, Func<string, string?> environment, HttpMessageHandler? handler, AWSCredentials? credentials, BulkSendOptions? sendOptions)
    {
        // The forwarder's own section, from the rules INIT loaded.
        var settings = services.Rules.Forwarding ?? ForwardingSettings.Default;
        var options = ForwarderOptions.FromEnvironment(environment, services.Settings.DryRun, services.Secrets.Has(OpenSearchSecretVariable));
        if (services.Settings.DryRun)
        {
            return null;
        }
        IOpenSearchAuth auth;
        if (options.Auth == ForwarderOptions.Basic)
        {
            // A secret of the wrong shape fails INIT, not the first batch (it was read a moment ago, so this is the cache).
            BasicAuth.Parse(services.Secrets.GetAsync(OpenSearchSecretVariable, CancellationToken.None).GetAwaiter().GetResult());
            auth = new BasicAuth(cancellationToken => services.Secrets.GetAsync(OpenSearchSecretVariable, cancellationToken));
        }
        else
        {
            auth = new SigV4Auth(options.Region!, options.Service, credentials, services.Time);
        }
        var http = new HttpClient(handler ?? OpenSearchClient.CreateHandler(), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new OpenSearchClient(http, options.Endpoint!, auth, settings.Gzip);
        return new BulkSender(client, services.Time, sendOptions ?? BulkSendOptions.Default(settings.BulkMaxBytes), Random.Shared.NextDouble);
    }

    public static Task<ILambdaHandler> CreateAsync(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken)
        => FunctionComposition.CreateHandlerAsync(For(environment), environment, logOutput, time, cancellationToken);
}
