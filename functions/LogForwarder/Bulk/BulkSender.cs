namespace Automation.LogForwarder.Bulk;

/// <summary>
/// Delivers a batch's items so that each ends stored exactly once (deterministic ids make resending safe) or in the
/// dead-letter index, or is reported unsent:
/// <list type="bullet">
/// <item>requests are cut by uncompressed size; a 200 answer is read item by item;</item>
/// <item>2xx items, and 409 on <c>create</c> (the document is already there), are done;</item>
/// <item>429, 5xx and 409 on <c>update</c> items, and whole requests that fail (429, 503, a timeout, no connection),
/// are resent, only those items, after an exponential backoff with full jitter, while the deadline allows;</item>
/// <item>other 4xx items (mapping errors, 400) fail for good: their dead letter is sent in the next round;</item>
/// <item>a whole request answered 401 or 403 stops the sending at once: credentials or permissions do not heal by
/// waiting, so everything not yet stored is returned unsent (with <see cref="BulkSendReport.AuthFailure"/>) without
/// spending the invocation's time on retries;</item>
/// <item>what is left when the deadline nears is returned unsent, for Lambda to deliver again.</item>
/// </list>
/// </summary>
internal sealed class BulkSender
{
    private readonly OpenSearchClient _client;
    private readonly TimeProvider _time;
    private readonly BulkSendOptions _options;
    private readonly Func<double> _random;

    /// <param name="random">A number in [0, 1) for the jitter.</param>
    public BulkSender(OpenSearchClient client, TimeProvider time, BulkSendOptions options, Func<double> random)
    {
        _client = client;
        _time = time;
        _options = options;
        _random = random;
    }

    /// <summary>The endpoint's host, for logs (never credentials).</summary>
    public string Host => _client.Host;

    /// <param name="deadLetter">Writes the dead letter of an item refused for good (into the same <paramref name="items"/>); null when it has none.</param>
    public async Task<BulkSendReport> SendAsync(
        BulkItems items, IReadOnlyList<BulkItem> toSend, Func<BulkItem, BulkItemResult, BulkItem?> deadLetter,
        DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var pending = toSend.ToList();
        var refused = new List<BulkItem>();
        int requests = 0, rounds = 0, deadLettered = 0;
        long uncompressed = 0, sent = 0;
        string? problem = null;
        int? authFailure = null;
        var attempt = 0;
        var stop = deadline - _options.DeadlineMargin;
        var maxBytes = _options.MaxRequestBytes;

        while (pending.Count > 0 && _time.GetUtcNow() < stop && !cancellationToken.IsCancellationRequested)
        {
            rounds++;
            var next = new List<BulkItem>();
            var transient = false;
            var round = Cut(pending, maxBytes).ToList();
            for (var r = 0; r < round.Count; r++)
            {
                var request = round[r];
                var left = stop - _time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    next.AddRange(request);
                    transient = true;
                    continue;
                }

                using var body = Body(items, request);
                using var timeout = new CancellationTokenSource(left < _options.RequestTimeout ? left : _options.RequestTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                var answer = await _client.BulkAsync(body.WrittenMemory, linked.Token).ConfigureAwait(false);
                requests++;
                uncompressed += body.Length;
                sent += answer.BytesSent;

                if (answer.Status is 401 or 403)
                {
                    // Refused credentials (or a role without permission): retrying before the deadline would only burn it.
                    authFailure = answer.Status;
                    problem = answer.Problem;
                    for (var rest = r; rest < round.Count; rest++)
                    {
                        next.AddRange(round[rest]);
                    }
                    break;
                }
                if (answer.Status == 413 && request.Count > 1)
                {
                    // Smaller than http.max_content_length says: the domain takes less than configured, so halve the requests.
                    maxBytes = Math.Max(1, body.Length / 2);
                }
                if (answer.Items is not { } results || results.Count != request.Count)
                {
                    problem = answer.Problem ?? $"the answer has {answer.Items?.Count} items for {request.Count}";
                    next.AddRange(request);
                    transient = true;
                    continue;
                }
                for (var i = 0; i < request.Count; i++)
                {
                    var item = request[i];
                    var result = results[i];
                    switch (Classify(item, result))
                    {
                        case Fate.Done:
                            break;
                        case Fate.Retry:
                            problem = $"{result.Status} {result.ErrorType}";
                            next.Add(item);
                            transient = true;
                            break;
                        default:
                            problem = $"{result.Status} {result.ErrorType}";
                            if (item.Kind != BulkItemKind.DeadLetter && deadLetter(item, result) is { } letter)
                            {
                                deadLettered++;
                                next.Add(letter);
                            }
                            else
                            {
                                // Its dead letter was refused too (a blocked or misconfigured dead-letter index): not lost, delivered again.
                                refused.Add(item);
                            }
                            break;
                    }
                }
            }

            pending = next;
            if (authFailure is not null)
            {
                break;
            }
            if (pending.Count == 0 || !transient)
            {
                continue; // only new dead letters left: send them at once
            }
            var wait = Backoff(attempt++);
            if (_time.GetUtcNow() + wait >= stop)
            {
                break;
            }
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        return new BulkSendReport([.. refused, .. pending], deadLettered, requests, rounds, uncompressed, sent, problem, authFailure);
    }

    /// <summary>Consecutive items whose bodies together stay within the size limit; a larger item alone.</summary>
    internal static IEnumerable<List<BulkItem>> Cut(IReadOnlyList<BulkItem> items, long maxRequestBytes)
    {
        var request = new List<BulkItem>();
        long size = 0;
        foreach (var item in items)
        {
            if (request.Count > 0 && size + item.Length > maxRequestBytes)
            {
                yield return request;
                request = [];
                size = 0;
            }
            request.Add(item);
            size += item.Length;
        }
        if (request.Count > 0)
        {
            yield return request;
        }
    }

    /// <summary>A request's NDJSON body: its items' slices, copied into one pooled buffer.</summary>
    internal static PooledBuffer Body(BulkItems items, List<BulkItem> request)
    {
        var body = new PooledBuffer((int)Math.Min(int.MaxValue, request.Sum(i => (long)i.Length)));
        foreach (var item in request)
        {
            body.Write(items.Slice(item));
        }
        return body;
    }

    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(_options.BackoffCap.TotalMilliseconds, _options.BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(ceiling * _random());
    }

    internal static Fate Classify(BulkItem item, BulkItemResult result) => result.Status switch
    {
        >= 200 and < 300 => Fate.Done,
        409 when item.Operation == "create" => Fate.Done, // already stored by an earlier delivery
        409 or 429 or >= 500 or 0 => Fate.Retry,
        _ => Fate.Refused,
    };

    internal enum Fate
    {
        Done,
        Retry,
        Refused,
    }
}
