using System.Text;
using System.Xml.Linq;
using TheModel.Sync.Salesforce.OutboundMessages;

namespace TheModel.Sync.Salesforce.Tests.OutboundMessages;

public sealed class OutboundMessageParserTests
{
    private const string OrgId18 = "00D000000000001EAA";
    private const string OrgId15 = "00D000000000001";

    // The real-capture shape from crm-api-facts.md S-10 (values changed there, kept verbatim here).
    private const string RealCapture = """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
            xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <soapenv:Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>00D000000000001EAA</OrganizationId>
           <ActionId>04k000000000001AAA</ActionId>
           <SessionId xsi:nil="true"/>
           <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/60.0/00D000000000001</EnterpriseUrl>
           <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/60.0/00D000000000001</PartnerUrl>
           <Notification>
            <Id>04l000000000001AAA</Id>
            <sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
             <sf:Id>00Q000000000001AAA</sf:Id>
             <sf:Company>Acme</sf:Company>
             <sf:Email>pat@acme.example</sf:Email>
             <sf:OwnerId>005000000000001AAA</sf:OwnerId>
             <sf:Status>Open - Not Contacted</sf:Status>
            </sObject>
           </Notification>
          </notifications>
         </soapenv:Body>
        </soapenv:Envelope>
        """;

    [Fact]
    public void Parse_RealCaptureShape_ReturnsIdsFieldsTypeAndNilSession()
    {
        var result = Parse(RealCapture);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(OutboundParseErrorKind.None, result.ErrorKind);
        Assert.Null(result.ErrorMessage);
        var message = result.Message;
        Assert.Equal(OrgId18, message.OrganizationId);
        Assert.Equal("04k000000000001AAA", message.ActionId);
        Assert.Null(message.SessionId);
        Assert.Equal("https://acme.my.salesforce.com/services/Soap/c/60.0/00D000000000001", message.EnterpriseUrl);
        Assert.Equal("https://acme.my.salesforce.com/services/Soap/u/60.0/00D000000000001", message.PartnerUrl);
        var notification = Assert.Single(message.Notifications);
        Assert.Equal("04l000000000001AAA", notification.Id);
        Assert.Equal("Lead", notification.ObjectType);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["Id"] = "00Q000000000001AAA",
                ["Company"] = "Acme",
                ["Email"] = "pat@acme.example",
                ["OwnerId"] = "005000000000001AAA",
                ["Status"] = "Open - Not Contacted",
            },
            notification.Fields);
    }

    [Fact]
    public async Task ParseAsync_RealCaptureShape_MatchesSynchronousParse()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(RealCapture));

        var result = await OutboundMessageParser.ParseAsync(body, OrgId18);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal("Lead", Assert.Single(result.Message.Notifications).ObjectType);
    }

    [Fact]
    public void Parse_SessionIdSent_ReturnsSessionId()
    {
        var xml = RealCapture.Replace("<SessionId xsi:nil=\"true\"/>", "<SessionId>00D!AQ0AQ.secret</SessionId>", StringComparison.Ordinal);

        var result = Parse(xml);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal("00D!AQ0AQ.secret", result.Message.SessionId);
    }

    [Fact]
    public void Parse_SeveralNotifications_ReturnsAllInDocumentOrder()
    {
        var xml = Envelope(
            Notification("04l000000000001AAA", "Lead", "<sf:Id>00Q000000000001EAA</sf:Id>"),
            Notification("04l000000000002AAA", "Contact", "<sf:Id>003000000000001AAA</sf:Id><sf:Email>a@b.example</sf:Email>"),
            Notification("04l000000000003AAA", "Lead", "<sf:Id>00Q000000000002EAA</sf:Id>"));

        var result = Parse(xml);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(
            ["04l000000000001AAA", "04l000000000002AAA", "04l000000000003AAA"],
            result.Message.Notifications.Select(n => n.Id));
        Assert.Equal(["Lead", "Contact", "Lead"], result.Message.Notifications.Select(n => n.ObjectType));
        Assert.Equal("a@b.example", result.Message.Notifications[1].Fields["Email"]);
    }

    [Fact]
    public void Parse_NilAndOmittedFields_NilIsNullAndOmittedIsAbsent()
    {
        var xml = Envelope(Notification(
            "04l000000000001AAA",
            "Lead",
            "<sf:Id>00Q000000000001EAA</sf:Id><sf:Email xsi:nil=\"true\"/><sf:Company>Acme</sf:Company><sf:FirstName></sf:FirstName>"));

        var result = Parse(xml);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        var fields = Assert.Single(result.Message.Notifications).Fields;
        Assert.True(fields.ContainsKey("Email"));
        Assert.Null(fields["Email"]);
        Assert.Equal("Acme", fields["Company"]);
        Assert.Equal(string.Empty, fields["FirstName"]);
        Assert.False(fields.ContainsKey("Status"));
        Assert.Equal(4, fields.Count);
    }

    [Fact]
    public void Parse_FieldWithEscapedCharacters_ReturnsUnescapedText()
    {
        var xml = Envelope(Notification("04l000000000001AAA", "Lead", "<sf:Company>Smith &amp; Sons &lt;UK&gt;</sf:Company>"));

        var result = Parse(xml);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal("Smith & Sons <UK>", result.Message.Notifications[0].Fields["Company"]);
    }

    [Theory]
    [InlineData("003RO0000035WQg", "003RO0000035WQgYAM")]
    [InlineData("001RM000003oLnn", "001RM000003oLnnYAE")]
    [InlineData("00Q1N00000bS2eO", "00Q1N00000bS2eOUAS")]
    [InlineData("00D000000000001", "00D000000000001EAA")]
    public void To18_VendorFifteenCharacterId_ReturnsVendorEighteenCharacterId(string id15, string id18)
    {
        Assert.Equal(id18, SalesforceId.To18(id15));
        Assert.Equal(id18, SalesforceId.To18(id18));
        Assert.Equal(id18, SalesforceId.To18(id15 + id18[15..].ToLowerInvariant()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00D00000000000")]
    [InlineData("00D0000000000011")]
    [InlineData("00D000000000001EAB")]
    [InlineData("00D00000000000!")]
    public void To18_InvalidId_Throws(string id)
    {
        Assert.Throws<ArgumentException>(() => SalesforceId.To18(id));
        Assert.False(SalesforceId.TryTo18(id, out _));
    }

    [Theory]
    [InlineData("003RO0000035WQg", "003RO0000035WQgYAM")]
    [InlineData("001RM000003oLnn", "001RM000003oLnnYAE")]
    [InlineData("00Q1N00000bS2eO", "00Q1N00000bS2eOUAS")]
    public void Parse_FifteenCharacterExpectedOrgId_MatchesEighteenCharacterOrgIdInMessage(string expected15, string message18)
    {
        var xml = RealCapture.Replace(OrgId18, message18, StringComparison.Ordinal);

        var result = Parse(xml, expected15);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(message18, result.Message.OrganizationId);
    }

    [Fact]
    public void Parse_FifteenCharacterOrgIdInMessage_MatchesAndIsNormalizedToEighteen()
    {
        var xml = RealCapture.Replace(OrgId18, OrgId15, StringComparison.Ordinal);

        var result = Parse(xml, OrgId18);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(OrgId18, result.Message.OrganizationId);
    }

    [Theory]
    [InlineData("00D000000000002")]
    [InlineData("00D000000000002EAA")]
    [InlineData("00d000000000001")] // 15-character Ids are case-sensitive: a different org.
    public void Parse_OtherOrganization_ReturnsWrongOrganization(string expected)
    {
        var result = Parse(RealCapture, expected);

        Assert.False(result.IsSuccess);
        Assert.Null(result.Message);
        Assert.Equal(OutboundParseErrorKind.WrongOrganization, result.ErrorKind);
    }

    [Fact]
    public void Parse_InvalidExpectedOrganizationId_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Parse(RealCapture, "not-an-id"));
    }

    [Fact]
    public void Parse_XxeExternalEntity_ReturnsMalformedAndNeverReadsTheFile()
    {
        var marker = "XXE-MARKER-" + Guid.NewGuid().ToString("N");
        var path = Path.Combine(Path.GetTempPath(), $"xxe-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, marker);
        try
        {
            var uri = new Uri(path).AbsoluteUri;
            var xml = $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "{uri}"> ]>
                """ + "\n" + Envelope(Notification("04l000000000001AAA", "Lead", "<sf:Company>&xxe;</sf:Company>"))
                    .Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", string.Empty, StringComparison.Ordinal);

            var result = Parse(xml);

            Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
            Assert.Null(result.Message);
            Assert.Contains("DTD", result.ErrorMessage, StringComparison.Ordinal);
            Assert.DoesNotContain(marker, result.ErrorMessage, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CreateReaderSettings_Always_ProhibitsDtdAndCapsDocumentAtOneMebibyte()
    {
        var settings = OutboundMessageParser.CreateReaderSettings(async: false);

        Assert.Equal(System.Xml.DtdProcessing.Prohibit, settings.DtdProcessing);
        Assert.Equal(1024 * 1024, settings.MaxCharactersInDocument);
        Assert.False(settings.CloseInput);
    }

    [Fact]
    public void Parse_XxeEtcPasswd_ReturnsMalformed()
    {
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE soapenv:Envelope [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&xxe;</soapenv:Body></soapenv:Envelope>
            """;

        var result = Parse(xml);

        Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
        Assert.DoesNotContain("root:", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BillionLaughsDtd_ReturnsMalformed()
    {
        var dtd = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        dtd.Append(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for (var i = 2; i <= 9; i++)
        {
            dtd.Append($" <!ENTITY lol{i} \"");
            for (var j = 0; j < 10; j++)
            {
                dtd.Append($"&lol{i - 1};");
            }

            dtd.Append("\">\n");
        }

        dtd.Append("]>\n<lolz>&lol9;</lolz>");

        var result = Parse(dtd.ToString());

        Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
    }

    [Fact]
    public void Parse_OneHundredNotifications_Succeeds()
    {
        var result = Parse(Envelope(ManyNotifications(100)));

        Assert.True(result.IsSuccess, result.ErrorMessage);
        Assert.Equal(100, result.Message.Notifications.Count);
    }

    [Fact]
    public void Parse_OneHundredAndOneNotifications_ReturnsMalformed()
    {
        var result = Parse(Envelope(ManyNotifications(101)));

        Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
        Assert.Contains("100", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThanCustomLimit_ReturnsMalformed()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(Envelope(ManyNotifications(3))));

        var result = OutboundMessageParser.Parse(body, OrgId18, maxNotifications: 2);

        Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
    }

    [Fact]
    public void Parse_DocumentOverOneMebibyte_ReturnsMalformed()
    {
        var padding = new string('x', 1024 * 1024);
        var xml = Envelope(Notification("04l000000000001AAA", "Lead", $"<sf:Description>{padding}</sf:Description>"));

        var result = Parse(xml);

        Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml at all")]
    [InlineData("{\"OrganizationId\":\"00D000000000001EAA\"}")]
    [InlineData("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>")]
    public void Parse_NotXml_ReturnsMalformed(string body)
    {
        var result = Parse(body);

        Assert.False(result.IsSuccess);
        Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
        Assert.NotNull(result.ErrorMessage);
    }

    [Fact]
    public void Parse_WrongEnvelopeNamespace_ReturnsMalformed()
    {
        var xml = RealCapture.Replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope", StringComparison.Ordinal);

        Assert.Equal(OutboundParseErrorKind.Malformed, Parse(xml).ErrorKind);
    }

    [Fact]
    public void Parse_WrongOutboundNamespace_ReturnsMalformed()
    {
        var xml = RealCapture.Replace("http://soap.sforce.com/2005/09/outbound", "http://soap.sforce.com/2005/09/other", StringComparison.Ordinal);

        Assert.Equal(OutboundParseErrorKind.Malformed, Parse(xml).ErrorKind);
    }

    [Fact]
    public void Parse_WrongBodyElement_ReturnsMalformed()
    {
        var xml = RealCapture
            .Replace("<notifications ", "<somethingElse ", StringComparison.Ordinal)
            .Replace("</notifications>", "</somethingElse>", StringComparison.Ordinal);

        Assert.Equal(OutboundParseErrorKind.Malformed, Parse(xml).ErrorKind);
    }

    [Theory]
    [InlineData("<OrganizationId>00D000000000001EAA</OrganizationId>", "")]
    [InlineData("<OrganizationId>00D000000000001EAA</OrganizationId>", "<OrganizationId xsi:nil=\"true\"/>")]
    [InlineData("<OrganizationId>00D000000000001EAA</OrganizationId>", "<OrganizationId>garbage</OrganizationId>")]
    [InlineData("<ActionId>04k000000000001AAA</ActionId>", "")]
    [InlineData("<Id>04l000000000001AAA</Id>", "")]
    [InlineData("<Id>04l000000000001AAA</Id>", "<Id> </Id>")]
    [InlineData("xsi:type=\"sf:Lead\"", "")]
    public void Parse_RequiredPartMissing_ReturnsMalformed(string part, string replacement)
    {
        var xml = RealCapture.Replace(part, replacement, StringComparison.Ordinal);

        var result = Parse(xml);

        Assert.Equal(OutboundParseErrorKind.Malformed, result.ErrorKind);
    }

    [Fact]
    public void Parse_NotificationWithoutSObject_ReturnsMalformed()
    {
        var xml = Envelope("<Notification><Id>04l000000000001AAA</Id></Notification>");

        Assert.Equal(OutboundParseErrorKind.Malformed, Parse(xml).ErrorKind);
    }

    [Fact]
    public void Parse_NoNotifications_ReturnsMalformed()
    {
        Assert.Equal(OutboundParseErrorKind.Malformed, Parse(Envelope()).ErrorKind);
    }

    [Fact]
    public void Parse_StreamLeftOpen_CallerCanStillUseIt()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(RealCapture));

        OutboundMessageParser.Parse(body, OrgId18);

        Assert.True(body.CanRead);
    }

    [Fact]
    public void Envelope_AckEnvelope_IsXmlWithAckTrueInOutboundNamespace()
    {
        var document = XDocument.Parse(OutboundAck.Envelope);
        XNamespace soap = "http://schemas.xmlsoap.org/soap/envelope/";
        XNamespace om = "http://soap.sforce.com/2005/09/outbound";

        Assert.Equal(soap + "Envelope", document.Root!.Name);
        var ack = document.Root.Element(soap + "Body")?.Element(om + "notificationsResponse")?.Element(om + "Ack");
        Assert.NotNull(ack);
        Assert.Equal("true", ack.Value);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope", OutboundAck.Envelope, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", OutboundAck.Envelope, StringComparison.Ordinal);
        Assert.Equal("text/xml; charset=utf-8", OutboundAck.ContentType);
    }

    private static OutboundParseResult Parse(string xml, string expectedOrganizationId = OrgId18)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        return OutboundMessageParser.Parse(body, expectedOrganizationId);
    }

    private static string Notification(string id, string type, string fields) =>
        $"<Notification><Id>{id}</Id><sObject xsi:type=\"sf:{type}\" xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\">{fields}</sObject></Notification>";

    private static string[] ManyNotifications(int count) =>
        Enumerable.Range(1, count)
            .Select(i => Notification($"04l{i:D12}AAA", "Lead", $"<sf:Id>00Q{i:D12}EAA</sf:Id>"))
            .ToArray();

    private static string Envelope(params string[] notifications) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
         <soapenv:Body>
          <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
           <OrganizationId>{OrgId18}</OrganizationId>
           <ActionId>04k000000000001AAA</ActionId>
           <SessionId xsi:nil="true"/>
           <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/60.0/{OrgId15}</EnterpriseUrl>
           <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/60.0/{OrgId15}</PartnerUrl>
           {string.Concat(notifications)}
          </notifications>
         </soapenv:Body>
        </soapenv:Envelope>
        """;
}
