using System.IO.Compression;
using System.Net.Http.Headers;
using Automation.LogForwarder.Auth;

namespace Automation.LogForwarder.Bulk;

/// <summary>
/// Sends one _bulk body: gzip-compressed into a pooled buffer when configured, authenticated (SigV4 or basic), and
/// answers with the per-item results. It never throws for a failed request: the caller decides what to retry.
/// TLS is verified by the platform's default handler; nothing here turns verification off.
/// </summary>
internal sealed class OpenSearchClient
{
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");

    private readonly HttpClient _http;
    private readonly Uri _bulkUri;
    private readonly IOpenSearchAuth _auth;
    private readonly bool _gzip;

    public OpenSearchClient(HttpClient http, Uri endpoint, IOpenSearchAuth auth, bool gzip)
    {
        _http = http;
        _bulkUri = new Uri(endpoint, "_bulk");
        _auth = auth;
        _gzip = gzip;
    }

    /// <summary>The endpoint's host name: what logs may name (the endpoint holds no credentials, see <see cref="ForwarderOptions"/>).</summary>
    public string Host => _bulkUri.Host;

    /// <summary>A handler with response decompression; certificate validation stays the platform's.</summary>
    public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <param name="ndjson">The uncompressed body: items, each ending in a newline.</param>
    public async Task<BulkAnswer> BulkAsync(ReadOnlyMemory<byte> ndjson, CancellationToken cancellationToken)
    {
        using var compressed = _gzip ? Compress(ndjson.Span) : null;
        var body = compressed?.WrittenMemory ?? ndjson;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _bulkUri) { Content = new ReadOnlyMemoryContent(body) };
            request.Content.Headers.ContentType = NdJson;
            if (_gzip)
            {
                request.Content.Headers.ContentEncoding.Add("gzip");
            }
            await _auth.ApplyAsync(request, body, cancellationToken).ConfigureAwait(false);

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (status != 200)
            {
                return new BulkAnswer(status, null, body.Length, $"HTTP {status}");
            }
            var items = BulkResponseReader.Read(answer);
            return items is null
                ? new BulkAnswer(status, null, body.Length, "the answer is not a bulk response")
                : new BulkAnswer(status, items, body.Length, null);
        }
        catch (HttpRequestException e)
        {
            return new BulkAnswer(0, null, body.Length, "request failed: " + (e.HttpRequestError.ToString()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new BulkAnswer(0, null, body.Length, "no answer before the deadline");
        }
        catch (TaskCanceledException)
        {
            return new BulkAnswer(0, null, body.Length, "timed out");
        }
    }

    /// <summary>gzip at the fastest level: bulk bodies of logs shrink by 5-10x even so, and CPU is the Lambda's cost.</summary>
    internal static PooledBuffer Compress(ReadOnlySpan<byte> ndjson)
    {
        var output = new PooledBuffer(Math.Max(4096, ndjson.Length / 4));
        using (var gzip = new GZipStream(new PooledBufferStream(output), CompressionLevel.Fastest, leaveOpen: false))
        {
            gzip.Write(ndjson);
        }
        return output;
    }
}
