using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TheModel.Sync.Benchmarks.Ingest;

/// <summary>
/// The HTTP floor: Kestrel in this process on the same path, reading each body to the end and answering 200 with a
/// small JSON, with no signature check, parsing or queueing. What the same load costs when the handler does nothing.
/// </summary>
internal sealed class HttpFloor : IAsyncDisposable
{
    private static readonly byte[] Answer = """{"received":0,"queued":0,"duplicates":0,"ignored":0}"""u8.ToArray();
    private readonly WebApplication _app;

    private HttpFloor(WebApplication app, Uri target)
    {
        _app = app;
        Target = target;
    }

    public Uri Target { get; }

    public static async Task<HttpFloor> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/webhooks/hubspot", async (HttpContext context) =>
        {
            var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (await context.Request.Body.ReadAsync(chunk, context.RequestAborted) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(Answer, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new BenchmarkFailure("the floor server did not report its address");
        var port = new Uri(address).Port;
        return new HttpFloor(app, new Uri($"http://127.0.0.1:{port}/webhooks/hubspot"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
