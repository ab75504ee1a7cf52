using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TheModel.Sync.Simulators.Tests.HubSpot;

/// <summary>One webhook request as the receiver saw it.</summary>
internal sealed record ReceivedWebhook(string Method, string Url, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No header {name}; got {string.Join(", ", Headers.Keys)}");
}

/// <summary>
/// The app's webhook endpoint on 127.0.0.1: records each request, then answers with the next scripted status
/// (200 once the script runs out), or holds the answer until <see cref="Release"/> when the script says so.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>A scripted answer that waits for <see cref="Release"/> before saying 200.</summary>
    public const int Hold = -1;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync(params int[] script)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        foreach (var status in script)
        {
            receiver._script.Enqueue(status);
        }

        app.MapPost("/webhooks/hubspot", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/webhooks/hubspot");
        return receiver;
    }

    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var request = context.Request;
        Received.Enqueue(new ReceivedWebhook(
            request.Method,
            $"{request.Scheme}://{request.Host}{request.Path}{request.QueryString}",
            buffer.ToArray(),
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

        var status = _script.TryDequeue(out var next) ? next : 200;
        if (status == Hold)
        {
            try
            {
                await _released.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            status = 200;
        }

        context.Response.StatusCode = status;
    }
}
