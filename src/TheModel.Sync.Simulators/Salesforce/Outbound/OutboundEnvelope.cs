using System.Security;
using System.Text;
using System.Xml;

namespace TheModel.Sync.Simulators.Salesforce.Outbound;

/// <summary>One notification to put in a message: its <c>04l</c> id, the sObject type and the chosen fields' current values.</summary>
internal sealed record OutboundNotificationData(string NotificationId, string SObjectType, IReadOnlyList<KeyValuePair<string, object?>> Fields);

/// <summary>The SOAP 1.1 Outbound Message envelope (facts file S-10) and the listener's Ack.</summary>
internal static class OutboundEnvelope
{
    public const string OutboundNamespace = "http://soap.sforce.com/2005/09/outbound";

    /// <summary>Builds the envelope in the element order and namespaces of a real capture; null fields are sent as <c>xsi:nil</c>.</summary>
    public static string Build(
        string organizationId, string actionId, string enterpriseUrl, string partnerUrl, IReadOnlyList<OutboundNotificationData> notifications)
    {
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .Append("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n")
            .Append(" <soapenv:Body>\n")
            .Append("  <notifications xmlns=\"").Append(OutboundNamespace).Append("\">\n")
            .Append("   <OrganizationId>").Append(Escape(organizationId)).Append("</OrganizationId>\n")
            .Append("   <ActionId>").Append(Escape(actionId)).Append("</ActionId>\n")
            .Append("   <SessionId xsi:nil=\"true\"/>\n")
            .Append("   <EnterpriseUrl>").Append(Escape(enterpriseUrl)).Append("</EnterpriseUrl>\n")
            .Append("   <PartnerUrl>").Append(Escape(partnerUrl)).Append("</PartnerUrl>\n");
        foreach (var notification in notifications)
        {
            xml.Append("   <Notification>\n")
                .Append("    <Id>").Append(Escape(notification.NotificationId)).Append("</Id>\n")
                .Append("    <sObject xsi:type=\"sf:").Append(Escape(notification.SObjectType))
                .Append("\" xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\">\n");
            foreach (var (name, value) in notification.Fields)
            {
                xml.Append("     <sf:").Append(name);
                if (value is null)
                {
                    xml.Append(" xsi:nil=\"true\"/>\n");
                }
                else
                {
                    xml.Append('>').Append(Escape(SalesforceValues.ToSoapText(value))).Append("</sf:").Append(name).Append(">\n");
                }
            }

            xml.Append("    </sObject>\n").Append("   </Notification>\n");
        }

        xml.Append("  </notifications>\n").Append(" </soapenv:Body>\n").Append("</soapenv:Envelope>\n");
        return xml.ToString();
    }

    /// <summary>
    /// True only for a well-formed body holding an <c>Ack</c> element in the outbound namespace whose text is <c>true</c>;
    /// a SOAP fault, <c>false</c>, the wrong namespace or unparseable XML all count as failure.
    /// </summary>
    public static bool IsAck(string body)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1024 * 1024 };
        try
        {
            using var reader = XmlReader.Create(new StringReader(body), settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Ack" && reader.NamespaceURI == OutboundNamespace)
                {
                    return reader.ReadElementContentAsString().Trim() == "true";
                }
            }
        }
        catch (XmlException)
        {
        }

        return false;
    }

    private static string Escape(string text) => SecurityElement.Escape(text);
}
