using System.Globalization;
using System.Text;
using TheModel.Sync.HubSpot.Webhooks;

namespace TheModel.Sync.HubSpot.Tests.Webhooks;

public class HubSpotWebhookPayloadTests
{
    // crm-api-facts.md, H-7 Webhooks, "Example".
    private const string FactsExample = """
        [ { "eventId": 3816279340, "subscriptionId": 25, "portalId": 33, "appId": 1160452,
            "occurredAt": 1462216307945, "subscriptionType": "contact.propertyChange", "attemptNumber": 0,
            "objectId": 1246965, "propertyName": "lifecyclestage", "propertyValue": "subscriber",
            "changeSource": "CRM_UI", "sourceId": "userId:882761034" },
          { "eventId": 3816279480, "subscriptionId": 22, "portalId": 33, "appId": 1160452,
            "occurredAt": 1462216307945, "subscriptionType": "contact.creation", "attemptNumber": 0,
            "objectId": 1246978, "changeSource": "IMPORT", "changeFlag": "NEW" } ]
        """;

    private const string MinimalEvent =
        """{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"subscriptionType":"deal.creation","objectId":5}""";

    private static HubSpotPayloadResult Parse(string body) => HubSpotWebhookPayload.Parse(Encoding.UTF8.GetBytes(body));

    private static string Events(int count) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(i => string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"eventId":{{i}},"subscriptionId":1,"portalId":1,"occurredAt":1,"subscriptionType":"contact.creation","objectId":{{i}}}"""))) + "]";

    private static void AssertError(string body, string expected)
    {
        var result = Parse(body);
        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Error);
        Assert.Empty(result.Events);
    }

    [Fact]
    public void Parse_FactsExample_ReturnsBothEventsWithAllFields()
    {
        var result = Parse(FactsExample);

        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
        Assert.Equal(2, result.Events.Count);

        var change = result.Events[0];
        Assert.Equal(
            new HubSpotEvent(3816279340, 25, 33, 1160452, 1462216307945, "contact.propertyChange", 0, 1246965,
                "lifecyclestage", "subscriber", "CRM_UI", "userId:882761034", null),
            change);
        Assert.Equal("contact", change.ObjectType);
        Assert.Equal("propertyChange", change.Action);
        Assert.True(change.IsKnownType);
        Assert.Equal("25:3816279340:1246965:1462216307945:lifecyclestage", change.DedupeKey);

        var creation = result.Events[1];
        Assert.Equal(
            new HubSpotEvent(3816279480, 22, 33, 1160452, 1462216307945, "contact.creation", 0, 1246978,
                null, null, "IMPORT", null, "NEW"),
            creation);
        Assert.Equal("contact", creation.ObjectType);
        Assert.Equal("creation", creation.Action);
        Assert.True(creation.IsKnownType);
        Assert.Equal("22:3816279480:1246978:1462216307945:", creation.DedupeKey);
    }

    [Fact]
    public void Parse_SignatureVectorBody_ReturnsOneEvent()
    {
        var result = Parse("""[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]""");

        Assert.True(result.IsSuccess);
        var evt = Assert.Single(result.Events);
        Assert.Equal(54321, evt.AppId);
        Assert.Equal(123, evt.ObjectId);
        Assert.Equal("CRM", evt.ChangeSource);
    }

    [Fact]
    public void Parse_EmptyArray_ReturnsZeroEvents()
    {
        var result = Parse("[]");

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Events);
    }

    [Fact]
    public void Parse_MinimalEvent_DefaultsOptionalFields()
    {
        var evt = Assert.Single(Parse("[" + MinimalEvent + "]").Events);

        Assert.Equal(new HubSpotEvent(1, 2, 3, 0, 4, "deal.creation", 0, 5, null, null, null, null, null), evt);
    }

    [Fact]
    public void Parse_UnknownExtraFields_AreIgnored()
    {
        var body = """
            [{"eventId":7,"subscriptionId":8,"portalId":9,"occurredAt":10,"subscriptionType":"contact.merge","objectId":11,
              "primaryObjectId":11,"mergedObjectIds":[12,13],"newObjectId":14,"numberOfPropertiesMoved":3,
              "associationType":"CONTACT_TO_COMPANY","isPrimaryAssociation":true,"nested":{"a":[1,{"b":null}]}}]
            """;

        var evt = Assert.Single(Parse(body).Events);

        Assert.Equal("contact.merge", evt.SubscriptionType);
        Assert.Equal(11, evt.ObjectId);
    }

    [Fact]
    public void Parse_EventTypeFallback_IsUsedAsSubscriptionType()
    {
        var evt = Assert.Single(Parse("""[{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"eventType":"company.deletion","objectId":5}]""").Events);

        Assert.Equal("company.deletion", evt.SubscriptionType);
        Assert.Equal("company", evt.ObjectType);
        Assert.Equal("deletion", evt.Action);
        Assert.True(evt.IsKnownType);
    }

    [Fact]
    public void Parse_BothSubscriptionTypeAndEventType_PrefersSubscriptionType()
    {
        var evt = Assert.Single(Parse("""[{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"eventType":"company.deletion","subscriptionType":"ticket.restore","objectId":5}]""").Events);

        Assert.Equal("ticket.restore", evt.SubscriptionType);
    }

    [Fact]
    public void Parse_NullOptionalFields_AreNullOrZero()
    {
        var evt = Assert.Single(Parse("""[{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"subscriptionType":"deal.propertyChange","objectId":5,"appId":null,"attemptNumber":null,"propertyName":null,"propertyValue":null}]""").Events);

        Assert.Equal(0, evt.AppId);
        Assert.Equal(0, evt.AttemptNumber);
        Assert.Null(evt.PropertyName);
        Assert.Null(evt.PropertyValue);
    }

    [Fact]
    public void Parse_AttemptNumber_IsRead()
    {
        var evt = Assert.Single(Parse("""[{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"subscriptionType":"deal.creation","objectId":5,"attemptNumber":9}]""").Events);

        Assert.Equal(9, evt.AttemptNumber);
    }

    [Fact]
    public void Parse_ExactlyMaxEvents_Succeeds()
    {
        var result = Parse(Events(HubSpotWebhookPayload.MaxEvents));

        Assert.True(result.IsSuccess);
        Assert.Equal(100, result.Events.Count);
    }

    [Fact]
    public void Parse_OneMoreThanMaxEvents_Fails()
    {
        AssertError(Events(101), "body has 101 events; at most 100 are allowed");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("[{\"eventId\":1,}]")]
    [InlineData("[1,2")]
    [InlineData("[] []")]
    [InlineData("// comment\n[]")]
    public void Parse_NotJson_FailsWithNotJsonMessage(string body)
    {
        AssertError(body, "body is not valid JSON");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"eventId":1}""")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"[]\"")]
    public void Parse_NotArray_FailsWithNotArrayMessage(string body)
    {
        AssertError(body, "body is not a JSON array");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("null")]
    [InlineData("\"x\"")]
    [InlineData("[]")]
    [InlineData("true")]
    public void Parse_ElementNotObject_FailsWithIndex(string element)
    {
        AssertError("[" + MinimalEvent + "," + MinimalEvent + "," + element + "]", "event 2: not a JSON object");
    }

    [Theory]
    [InlineData("eventId")]
    [InlineData("subscriptionId")]
    [InlineData("portalId")]
    [InlineData("occurredAt")]
    [InlineData("objectId")]
    public void Parse_MissingRequiredNumber_FailsNamingIndexAndField(string field)
    {
        AssertError("[" + MinimalEvent + "," + MinimalEvent + "," + Without(field) + "]", $"event 2: {field} is missing");
    }

    [Fact]
    public void Parse_MissingSubscriptionTypeAndEventType_FailsNamingSubscriptionType()
    {
        AssertError("[" + Without("subscriptionType") + "]", "event 0: subscriptionType is missing");
    }

    [Theory]
    [InlineData("eventId", "\"1\"")]
    [InlineData("subscriptionId", "null")]
    [InlineData("portalId", "true")]
    [InlineData("occurredAt", "\"1462216307945\"")]
    [InlineData("objectId", "{}")]
    [InlineData("appId", "\"1160452\"")]
    [InlineData("attemptNumber", "[]")]
    public void Parse_NumberFieldWrongType_FailsWithNotANumber(string field, string json)
    {
        AssertError("[" + With(field, json) + "]", $"event 0: {field} is not a number");
    }

    [Theory]
    [InlineData("eventId", "1.5")]
    [InlineData("objectId", "1e3")]
    [InlineData("occurredAt", "99999999999999999999")]
    [InlineData("attemptNumber", "2147483648")]
    public void Parse_NumberFieldNotInteger_FailsWithNotAnInteger(string field, string json)
    {
        AssertError("[" + With(field, json) + "]", $"event 0: {field} is not an integer");
    }

    [Theory]
    [InlineData("subscriptionType", "1")]
    [InlineData("subscriptionType", "null")]
    [InlineData("propertyName", "1")]
    [InlineData("propertyValue", "5")]
    [InlineData("propertyValue", "true")]
    [InlineData("changeSource", "[]")]
    [InlineData("sourceId", "{}")]
    [InlineData("changeFlag", "false")]
    public void Parse_StringFieldWrongType_FailsWithNotAString(string field, string json)
    {
        AssertError("[" + With(field, json) + "]", $"event 0: {field} is not a string");
    }

    [Fact]
    public void Parse_EventTypeWrongType_FailsNamingEventType()
    {
        AssertError(
            """[{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":4,"eventType":7,"objectId":5}]""",
            "event 0: eventType is not a string");
    }

    [Fact]
    public void Parse_EmptySubscriptionType_Fails()
    {
        AssertError("[" + With("subscriptionType", "\"\"") + "]", "event 0: subscriptionType is empty");
    }

    [Fact]
    public void Parse_FirstBadElement_IsReported()
    {
        AssertError("[" + MinimalEvent + "," + Without("portalId") + "," + Without("objectId") + "]", "event 1: portalId is missing");
    }

    [Theory]
    [InlineData("object.propertyChange", "object", "propertyChange")]
    [InlineData("task.creation", "task", "creation")]
    [InlineData("contact.somethingNew", "contact", "somethingNew")]
    [InlineData("Contact.creation", "Contact", "creation")]
    [InlineData("nodot", "nodot", "")]
    [InlineData("a.b.c", "a", "b.c")]
    public void Parse_UnknownSubscriptionType_ParsesWithIsKnownTypeFalse(string type, string objectType, string action)
    {
        var evt = Assert.Single(Parse("[" + With("subscriptionType", "\"" + type + "\"") + "]").Events);

        Assert.Equal(type, evt.SubscriptionType);
        Assert.Equal(objectType, evt.ObjectType);
        Assert.Equal(action, evt.Action);
        Assert.False(evt.IsKnownType);
    }

    [Theory]
    [InlineData("contact.privacyDeletion")]
    [InlineData("contact.creation")]
    [InlineData("company.propertyChange")]
    [InlineData("deal.associationChange")]
    [InlineData("ticket.merge")]
    [InlineData("product.restore")]
    [InlineData("line_item.deletion")]
    public void IsKnownType_CrmSubscriptionTypes_ReturnsTrue(string type)
    {
        var evt = new HubSpotEvent(1, 2, 3, 4, 5, type, 0, 6, null, null, null, null, null);

        Assert.True(evt.IsKnownType);
    }

    [Fact]
    public void IsKnownType_PrivacyDeletionOnNonContact_ReturnsFalse()
    {
        var evt = new HubSpotEvent(1, 2, 3, 4, 5, "company.privacyDeletion", 0, 6, null, null, null, null, null);

        Assert.False(evt.IsKnownType);
    }

    [Fact]
    public void DedupeKey_TwoEventsSharingEventId_Differ()
    {
        var body = """
            [{"eventId":42,"subscriptionId":25,"portalId":33,"occurredAt":1000,"subscriptionType":"contact.propertyChange","objectId":1,"propertyName":"email","propertyValue":"a@example.com"},
             {"eventId":42,"subscriptionId":25,"portalId":33,"occurredAt":1000,"subscriptionType":"contact.propertyChange","objectId":1,"propertyName":"firstname","propertyValue":"Ann"},
             {"eventId":42,"subscriptionId":25,"portalId":33,"occurredAt":1000,"subscriptionType":"contact.propertyChange","objectId":2,"propertyName":"email","propertyValue":"b@example.com"},
             {"eventId":42,"subscriptionId":26,"portalId":33,"occurredAt":1000,"subscriptionType":"contact.creation","objectId":1},
             {"eventId":42,"subscriptionId":25,"portalId":33,"occurredAt":1001,"subscriptionType":"contact.propertyChange","objectId":1,"propertyName":"email","propertyValue":"c@example.com"}]
            """;

        var events = Parse(body).Events;

        Assert.Equal(5, events.Count);
        Assert.All(events, e => Assert.Equal(42, e.EventId));
        Assert.Equal(5, events.Select(e => e.DedupeKey).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("25:42:1:1000:email", events[0].DedupeKey);
        Assert.Equal("26:42:1:1000:", events[3].DedupeKey);
    }

    [Fact]
    public void DedupeKey_RedeliveredEvent_IsSameAcrossAttempts()
    {
        var first = Assert.Single(Parse("[" + With("attemptNumber", "0") + "]").Events);
        var retry = Assert.Single(Parse("[" + With("attemptNumber", "3") + "]").Events);

        Assert.Equal(first.DedupeKey, retry.DedupeKey);
    }

    [Fact]
    public void Parse_Utf8PropertyValue_IsDecoded()
    {
        var evt = Assert.Single(Parse("[" + With("propertyValue", "\"Zoë \\u00e9\"") + "]").Events);

        Assert.Equal("Zoë é", evt.PropertyValue);
    }

    // MinimalEvent with one field removed.
    private static string Without(string field) =>
        "{" + string.Join(",", Fields().Where(f => f.Key != field).Select(f => $"\"{f.Key}\":{f.Value}")) + "}";

    // MinimalEvent with one field set (added or replaced) to a raw JSON value.
    private static string With(string field, string json) =>
        "{" + string.Join(",", Fields().Where(f => f.Key != field).Append(new(field, json)).Select(f => $"\"{f.Key}\":{f.Value}")) + "}";

    private static IEnumerable<KeyValuePair<string, string>> Fields() =>
    [
        new("eventId", "1"),
        new("subscriptionId", "2"),
        new("portalId", "3"),
        new("occurredAt", "4"),
        new("subscriptionType", "\"deal.creation\""),
        new("objectId", "5"),
    ];
}
