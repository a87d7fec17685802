using Amazon.Runtime;
using Automation.Core.Lambda;
using Automation.Core.Pipeline;
using Automation.Core.Rules.Loading;
using Automation.Core.Rules.Settings;
using Automation.LogForwarder.Auth;
using Automation.LogForwarder.Bulk;

namespace Automation.LogForwarder;

/// <summary>LogForwarderFunction's object graph: the shared pipeline with <see cref="ForwardSink"/> as its action stage.</summary>
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
        Func<string, string?> environment, HttpMessageHandler? handler = null, AWSCredentials? credentials = null, BulkSendOptions? sendOptions = null) =>
        new(LogicalId, [OpenSearchSecretVariable], services =>
        {
            // The forwarder's own section and the rule ids, from the rules INIT loaded.
            var rules = services.Rules;
            var settings = rules.Forwarding ?? ForwardingSettings.Default;
            var options = ForwarderOptions.FromEnvironment(environment, services.Settings.DryRun, services.Secrets.Has(OpenSearchSecretVariable));
            BulkSender? sender = null;
            if (!services.Settings.DryRun)
            {
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
                sender = new BulkSender(client, services.Time, sendOptions ?? BulkSendOptions.Default(settings.BulkMaxBytes), Random.Shared.NextDouble);
            }
            return new ForwardSink(services, settings, rules.Rules, sender);
        });

    public static Task<ILambdaHandler> CreateAsync(Func<string, string?> environment, TextWriter logOutput, TimeProvider time, CancellationToken cancellationToken)
        => FunctionComposition.CreateHandlerAsync(For(environment), environment, logOutput, time, cancellationToken);
}
