using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Automation.Testing;

/// <summary>
/// A DynamoDB endpoint on 127.0.0.1 that passes requests to moto's server and injects DynamoDB's own failure answers
/// (JSON 1.0 error bodies with the real <c>__type</c> codes) into chosen ones: throttling, 5xx, or a lost answer after
/// the write landed. Every request is recorded with its operation and arrival time.
/// </summary>
public sealed class FaultyDynamoDbProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _moto;
    private readonly ConcurrentQueue<DynamoDbFault> _next = new();
    private readonly ConcurrentQueue<(string Operation, DateTimeOffset At, DynamoDbFault? Fault)> _requests = new();

    private FaultyDynamoDbProxy(WebApplication app, HttpClient moto)
    {
        _app = app;
        _moto = moto;
    }

    /// <summary>The proxy's address: give it to the client as its endpoint.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>When set, every request is answered with this fault (after the queued ones).</summary>
    public DynamoDbFault? Always { get; set; }

    /// <summary>Requests in arrival order: operation (e.g. PutItem), when, and the fault injected, if any.</summary>
    public IReadOnlyList<(string Operation, DateTimeOffset At, DynamoDbFault? Fault)> Requests => [.. _requests];

    /// <summary>Injects these faults into the next requests, one each, in order.</summary>
    public void Enqueue(params DynamoDbFault[] faults)
    {
        foreach (var fault in faults)
        {
            _next.Enqueue(fault);
        }
    }

    public static async Task<FaultyDynamoDbProxy> StartAsync(Uri moto)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new FaultyDynamoDbProxy(app, new HttpClient { BaseAddress = moto });
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        DynamoDbFault? fault = _next.TryDequeue(out var queued) ? queued : Always;
        fault = fault == DynamoDbFault.None ? null : fault;
        _requests.Enqueue((operation, TimeProvider.System.GetUtcNow(), fault));

        switch (fault)
        {
            case DynamoDbFault.Throttle:
                await ErrorAsync(context, 400, "ProvisionedThroughputExceededException",
                    "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.");
                return;
            case DynamoDbFault.ServerError:
                await ErrorAsync(context, 500, "InternalServerError", "Internal server error");
                return;
        }

        using var forward = new HttpRequestMessage(HttpMethod.Post, "/");
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        forward.Content = new ByteArrayContent(body.ToArray());
        forward.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.StartsWith("X-Amz", StringComparison.OrdinalIgnoreCase) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                forward.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }
        using var answer = await _moto.SendAsync(forward, context.RequestAborted);
        var answerBody = await answer.Content.ReadAsByteArrayAsync(context.RequestAborted);

        if (fault == DynamoDbFault.LoseAnswer)
        {
            await ErrorAsync(context, 500, "InternalServerError", "Internal server error");
            return;
        }
        context.Response.StatusCode = (int)answer.StatusCode;
        context.Response.ContentType = answer.Content.Headers.ContentType?.ToString() ?? "application/x-amz-json-1.0";
        await context.Response.Body.WriteAsync(answerBody, context.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.0";
        return context.Response.WriteAsync($$"""{"__type":"com.amazonaws.dynamodb.v20120810#{{code}}","message":"{{message}}"}""");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _moto.Dispose();
    }
}
