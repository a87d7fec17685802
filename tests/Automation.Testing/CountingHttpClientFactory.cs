using System.Collections.Concurrent;
using Amazon.Runtime;

namespace Automation.Testing;

/// <summary>Gives the SDK an HttpClient that counts DynamoDB calls by operation (the X-Amz-Target header).</summary>
public sealed class CountingHttpClientFactory : HttpClientFactory
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int Count(string operation) => _calls.GetValueOrDefault(operation);

    public int Total => _calls.Values.Sum();

    public void Reset() => _calls.Clear();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new CountingHandler(_calls));

    private sealed class CountingHandler(ConcurrentDictionary<string, int> calls) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "(none)";
            calls.AddOrUpdate(target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..], 1, (_, n) => n + 1);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
