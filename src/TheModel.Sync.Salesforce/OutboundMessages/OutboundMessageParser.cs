using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;

namespace TheModel.Sync.Salesforce.OutboundMessages;

/// <summary>One <c>Notification</c>: its Id (<c>04l…</c>, the de-duplication key), the sObject type and its fields.</summary>
/// <param name="Id">The notification Id. Salesforce may deliver the same notification more than once.</param>
/// <param name="ObjectType">The local part of <c>xsi:type</c>, e.g. <c>Lead</c> for <c>sf:Lead</c>.</param>
/// <param name="Fields"><c>sf:FieldName</c> → text; <c>xsi:nil="true"</c> → <see langword="null"/>. Omitted fields are absent.</param>
public sealed record OutboundNotification(string Id, string ObjectType, IReadOnlyDictionary<string, string?> Fields);

/// <summary>A parsed Outbound Message envelope (facts file S-10).</summary>
public sealed record OutboundMessage(
    string OrganizationId,
    string ActionId,
    string? SessionId,
    string? EnterpriseUrl,
    string? PartnerUrl,
    IReadOnlyList<OutboundNotification> Notifications);

/// <summary>Why a body was rejected.</summary>
public enum OutboundParseErrorKind
{
    /// <summary>The message parsed and belongs to the expected organization.</summary>
    None = 0,

    /// <summary>Not acceptable as an Outbound Message (bad XML, DTD, wrong shape, too many notifications). Answer 400.</summary>
    Malformed = 1,

    /// <summary>A well-formed message for another organization. Answer 401.</summary>
    WrongOrganization = 2,
}

/// <summary>Either a message or an error kind with a short, payload-free description.</summary>
public sealed class OutboundParseResult
{
    private OutboundParseResult(OutboundMessage? message, OutboundParseErrorKind errorKind, string? errorMessage)
    {
        Message = message;
        ErrorKind = errorKind;
        ErrorMessage = errorMessage;
    }

    public OutboundMessage? Message { get; }

    public OutboundParseErrorKind ErrorKind { get; }

    /// <summary>Diagnostic text for logs. It never contains field values (they may be PII).</summary>
    public string? ErrorMessage { get; }

    [MemberNotNullWhen(true, nameof(Message))]
    [MemberNotNullWhen(false, nameof(ErrorMessage))]
    public bool IsSuccess => Message is not null;

    internal static OutboundParseResult Success(OutboundMessage message) => new(message, OutboundParseErrorKind.None, null);

    internal static OutboundParseResult Malformed(string message) => new(null, OutboundParseErrorKind.Malformed, message);

    internal static OutboundParseResult WrongOrganization(string message) => new(null, OutboundParseErrorKind.WrongOrganization, message);
}

/// <summary>
/// Parses Salesforce Outbound Message SOAP envelopes. Pure: no I/O other than reading <c>body</c>.
/// DTDs are prohibited (XXE and entity-expansion attacks are rejected as <see cref="OutboundParseErrorKind.Malformed"/>),
/// no resolver is used, and the document is capped at 1 MiB characters.
/// </summary>
public static class OutboundMessageParser
{
    public const string OutboundNamespace = "http://soap.sforce.com/2005/09/outbound";
    public const string SoapEnvelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string SObjectNamespace = "urn:sobject.enterprise.soap.sforce.com";
    public const int MaxNotificationsPerMessage = 100;
    public const long MaxCharactersInDocument = 1024 * 1024;

    private static readonly XNamespace Soap = SoapEnvelopeNamespace;
    private static readonly XNamespace Om = OutboundNamespace;
    private static readonly XNamespace Sf = SObjectNamespace;
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>
    /// Parses <paramref name="body"/> synchronously. The stream is not closed. On ASP.NET Core, where synchronous
    /// reads of the request body are disallowed by default, use <see cref="ParseAsync"/>.
    /// </summary>
    /// <param name="body">The request body.</param>
    /// <param name="expectedOrganizationId">Our org Id, 15 or 18 characters.</param>
    /// <param name="maxNotifications">Upper bound on <c>Notification</c> elements; Salesforce sends at most 100.</param>
    /// <exception cref="ArgumentException"><paramref name="expectedOrganizationId"/> is not a valid Salesforce Id.</exception>
    public static OutboundParseResult Parse(Stream body, string expectedOrganizationId, int maxNotifications = MaxNotificationsPerMessage)
    {
        var expected = ValidateArguments(body, expectedOrganizationId, maxNotifications);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(body, CreateReaderSettings(async: false));
            document = XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException ex)
        {
            return NotXml(ex);
        }

        return Interpret(document, expected, maxNotifications);
    }

    /// <summary>Asynchronous form of <see cref="Parse"/>; same rules.</summary>
    public static async Task<OutboundParseResult> ParseAsync(
        Stream body,
        string expectedOrganizationId,
        int maxNotifications = MaxNotificationsPerMessage,
        CancellationToken cancellationToken = default)
    {
        var expected = ValidateArguments(body, expectedOrganizationId, maxNotifications);
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(body, CreateReaderSettings(async: true));
            document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        }
        catch (XmlException ex)
        {
            return NotXml(ex);
        }

        return Interpret(document, expected, maxNotifications);
    }

    internal static XmlReaderSettings CreateReaderSettings(bool async) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharactersInDocument,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
        Async = async,
    };

    private static string ValidateArguments(Stream body, string expectedOrganizationId, int maxNotifications)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(expectedOrganizationId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNotifications, 1);
        return SalesforceId.To18(expectedOrganizationId.Trim());
    }

    private static OutboundParseResult NotXml(XmlException ex) =>
        OutboundParseResult.Malformed($"The body is not acceptable XML (DTDs are prohibited): {ex.Message}");

    private static OutboundParseResult Interpret(XDocument document, string expectedOrganizationId, int maxNotifications)
    {
        var envelope = document.Root;
        if (envelope is null || envelope.Name != Soap + "Envelope")
        {
            return OutboundParseResult.Malformed("The root element is not a SOAP 1.1 Envelope.");
        }

        var notifications = envelope.Element(Soap + "Body")?.Element(Om + "notifications");
        if (notifications is null)
        {
            return OutboundParseResult.Malformed($"The Body has no 'notifications' element in namespace {OutboundNamespace}.");
        }

        var organizationId = Text(notifications.Element(Om + "OrganizationId"))?.Trim();
        if (string.IsNullOrEmpty(organizationId))
        {
            return OutboundParseResult.Malformed("OrganizationId is missing.");
        }

        if (!SalesforceId.TryTo18(organizationId, out var organizationId18))
        {
            return OutboundParseResult.Malformed("OrganizationId is not a valid Salesforce Id.");
        }

        if (!string.Equals(organizationId18, expectedOrganizationId, StringComparison.Ordinal))
        {
            // The Id was validated as 18 ASCII alphanumerics, so it is safe to log.
            return OutboundParseResult.WrongOrganization($"The message is for organization {organizationId18}, not the configured one.");
        }

        var actionId = Text(notifications.Element(Om + "ActionId"))?.Trim();
        if (string.IsNullOrEmpty(actionId))
        {
            return OutboundParseResult.Malformed("ActionId is missing.");
        }

        var parsed = new List<OutboundNotification>();
        foreach (var notification in notifications.Elements(Om + "Notification"))
        {
            if (parsed.Count >= maxNotifications)
            {
                return OutboundParseResult.Malformed($"The message has more than {maxNotifications} notifications.");
            }

            var id = Text(notification.Element(Om + "Id"))?.Trim();
            if (string.IsNullOrEmpty(id))
            {
                return OutboundParseResult.Malformed($"Notification {parsed.Count + 1} has no Id.");
            }

            var sObject = notification.Element(Om + "sObject");
            if (sObject is null)
            {
                return OutboundParseResult.Malformed($"Notification {parsed.Count + 1} has no sObject.");
            }

            var objectType = ObjectType(sObject);
            if (objectType is null)
            {
                return OutboundParseResult.Malformed($"The sObject of notification {parsed.Count + 1} has no usable xsi:type.");
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var field in sObject.Elements().Where(e => e.Name.Namespace == Sf))
            {
                if (!fields.TryAdd(field.Name.LocalName, Text(field)))
                {
                    return OutboundParseResult.Malformed($"The sObject of notification {parsed.Count + 1} repeats a field.");
                }
            }

            parsed.Add(new OutboundNotification(id, objectType, new ReadOnlyDictionary<string, string?>(fields)));
        }

        if (parsed.Count == 0)
        {
            return OutboundParseResult.Malformed("The message has no notifications.");
        }

        return OutboundParseResult.Success(new OutboundMessage(
            organizationId18,
            actionId,
            NullIfEmpty(Text(notifications.Element(Om + "SessionId"))),
            NullIfEmpty(Text(notifications.Element(Om + "EnterpriseUrl"))?.Trim()),
            NullIfEmpty(Text(notifications.Element(Om + "PartnerUrl"))?.Trim()),
            parsed.AsReadOnly()));
    }

    /// <summary>The element's text, or null when it is absent or <c>xsi:nil="true"</c>.</summary>
    private static string? Text(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        var nil = (string?)element.Attribute(Xsi + "nil");
        if (nil is not null && (nil.Trim() == "true" || nil.Trim() == "1"))
        {
            return null;
        }

        return element.Value;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary><c>xsi:type="sf:Lead"</c> → <c>Lead</c>.</summary>
    private static string? ObjectType(XElement sObject)
    {
        var type = ((string?)sObject.Attribute(Xsi + "type"))?.Trim();
        if (string.IsNullOrEmpty(type))
        {
            return null;
        }

        var colon = type.IndexOf(':', StringComparison.Ordinal);
        var localName = colon < 0 ? type : type[(colon + 1)..];
        return localName.Length > 0 && localName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? localName : null;
    }
}

/// <summary>The acknowledgement a listener returns with HTTP 200 (facts file S-10). One Ack covers every notification.</summary>
public static class OutboundAck
{
    public const string ContentType = "text/xml; charset=utf-8";

    /// <summary>The exact <c>Ack=true</c> SOAP envelope, with LF line endings, no BOM.</summary>
    public static string Envelope { get; } =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\n" +
        " <soapenv:Body>\n" +
        "  <notificationsResponse xmlns=\"http://soap.sforce.com/2005/09/outbound\">\n" +
        "   <Ack>true</Ack>\n" +
        "  </notificationsResponse>\n" +
        " </soapenv:Body>\n" +
        "</soapenv:Envelope>";
}
