using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

/// <summary>A tiny Outbound Message endpoint: records every POST and answers as the test script says.</summary>
internal sealed class OutboundListener : IAsyncDisposable
{
    public const string Ack = """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
         <soapenv:Body>
          <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
           <Ack>true</Ack>
          </notificationsResponse>
         </soapenv:Body>
        </soapenv:Envelope>
        """;

    public static readonly XNamespace Om = "http://soap.sforce.com/2005/09/outbound";
    public static readonly XNamespace Sf = "urn:sobject.enterprise.soap.sforce.com";
    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private readonly WebApplication _app;
    private readonly Func<int, (int Status, string Body)> _respond;
    private readonly Lock _gate = new();
    private readonly List<ReceivedMessage> _received = [];

    private OutboundListener(WebApplication app, Func<int, (int Status, string Body)> respond)
    {
        _app = app;
        _respond = respond;
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedMessage> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Starts on a free loopback port; <paramref name="respond"/> gets the 0-based call number (default: always Ack).</summary>
    public static async Task<OutboundListener> StartAsync(Func<int, (int Status, string Body)>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var listener = new OutboundListener(app, respond ?? (_ => (200, Ack)));
        app.MapPost("/outbound/{secret}", listener.HandleAsync);
        await app.StartAsync();
        listener.Url = new Uri(app.Urls.First() + "/outbound/s3cret");
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        int call;
        lock (_gate)
        {
            call = _received.Count;
            _received.Add(new ReceivedMessage(context.Request.ContentType ?? string.Empty, context.Request.Headers["SOAPAction"].ToString(), body));
        }

        var (status, answer) = _respond(call);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(answer);
    }
}

internal sealed record ReceivedMessage(string ContentType, string SoapAction, string Body)
{
    public XDocument Document => XDocument.Parse(Body);

    public IReadOnlyList<(string Id, XElement SObject)> Notifications => [.. Document
        .Descendants(OutboundListener.Om + "Notification")
        .Select(n => (n.Element(OutboundListener.Om + "Id")!.Value, n.Element(OutboundListener.Om + "sObject")!))];
}
