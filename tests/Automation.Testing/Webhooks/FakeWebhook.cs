using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Automation.Testing.Webhooks;

/// <summary>
/// A Slack-compatible incoming webhook on 127.0.0.1 and a free port. Its URL (<see cref="Url"/>) has a random token in
/// the path, like Slack's, so tests can check the secret URL appears nowhere. Posts to it are recorded and answered
/// 200 "ok" unless answers are queued with <see cref="AnswerNext"/>; posts to any other path get 404 "no_service",
/// as Slack answers a wrong URL.
/// </summary>
public sealed class FakeWebhook : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<WebhookPost> _posts = [];
    private readonly Queue<WebhookAnswer> _answers = new();
    private readonly List<(int Count, TaskCompletionSource Seen)> _watchers = [];
    private WebApplication? _app;

    private FakeWebhook(string path)
    {
        Path = path;
    }

    /// <summary>The webhook's path, e.g. /services/T0000/B0000/abc...: the secret part of the URL.</summary>
    public string Path { get; }

    /// <summary>The full webhook URL: what the secret holds.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every request so far, in arrival order (those to other paths too).</summary>
    public IReadOnlyList<WebhookPost> Posts
    {
        get
        {
            lock (_gate)
            {
                return [.. _posts];
            }
        }
    }

    public static async Task<FakeWebhook> StartAsync(CancellationToken cancellationToken = default)
    {
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var fake = new FakeWebhook($"/services/T0FAKE/B0FAKE/{token}");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(fake.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake._app = app;
        fake.Url = new Uri("http://127.0.0.1:" + new Uri(address).Port.ToString(CultureInfo.InvariantCulture) + fake.Path);
        return fake;
    }

    /// <summary>The next posts are answered with these, one each, in order; then 200 "ok" again.</summary>
    public void AnswerNext(params WebhookAnswer[] answers)
    {
        lock (_gate)
        {
            foreach (var answer in answers)
            {
                _answers.Enqueue(answer);
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForPostsAsync(int count)
    {
        lock (_gate)
        {
            if (_posts.Count >= count)
            {
                return Task.CompletedTask;
            }
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((count, seen));
            return seen.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var path = http.Request.Path.Value ?? "";
        WebhookAnswer answer;
        lock (_gate)
        {
            answer = path != Path || http.Request.Method != "POST"
                ? WebhookAnswer.NoService
                : _answers.TryDequeue(out var next) ? next : WebhookAnswer.Ok;
            _posts.Add(new WebhookPost(http.Request.Method, path, http.Request.ContentType, body, answer.Status, TimeProvider.System.GetUtcNow()));
            foreach (var watcher in _watchers.Where(w => _posts.Count >= w.Count).ToList())
            {
                watcher.Seen.TrySetResult();
                _watchers.Remove(watcher);
            }
        }

        if (answer.Hang)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, either.Token);
            }
            catch (OperationCanceledException)
            {
                // The client gave up or the fake stops.
            }
            return;
        }

        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "text/html";
        if (answer.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = retryAfter;
        }
        await http.Response.WriteAsync(answer.Body, http.RequestAborted);
    }
}
