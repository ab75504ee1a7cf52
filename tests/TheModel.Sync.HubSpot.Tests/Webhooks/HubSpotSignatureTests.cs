using System.Globalization;
using System.Text;
using TheModel.Sync.HubSpot.Webhooks;

namespace TheModel.Sync.HubSpot.Tests.Webhooks;

public class HubSpotSignatureTests
{
    // Test vectors: crm-api-facts.md, H-7 Webhooks, "Test vectors" table. One secret throughout.
    private const string Secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string Uri = "https://www.example.com/webhook_uri";
    private const string EventBody = """[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]""";
    private const string DoubleQuotedBody = """{"example_field":"example_value"}""";
    private const string SingleQuotedBody = "{'example_field':'example_value'}";

    // The last table row: v3 over EventBody at 1564113600000 ("computed by us", not a vendor vector).
    private const long EventTimestampMs = 1564113600000;
    private const string EventTimestamp = "1564113600000";
    private const string EventSignatureV3 = "DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=";
    private const string EventSignatureV1 = "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de";

    private static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    private static DateTimeOffset At(long epochMs) => DateTimeOffset.FromUnixTimeMilliseconds(epochMs);

    private static HubSpotSignatureResult VerifyEventV3(
        long nowMs,
        string? signature = EventSignatureV3,
        string? timestamp = EventTimestamp,
        byte[]? body = null,
        string secret = Secret,
        string method = "POST",
        string uri = Uri) =>
        HubSpotSignature.VerifyV3(secret, method, uri, body ?? Utf8(EventBody), signature, timestamp, At(nowMs));

    [Theory]
    [InlineData("v1", null, null, EventBody, null, "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de")]
    [InlineData("v2", "GET", Uri, "", null, "eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e")]
    [InlineData("v2", "POST", Uri, DoubleQuotedBody, null, "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900")]
    [InlineData("v1", null, null, SingleQuotedBody, null, "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750")]
    [InlineData("v2", "POST", Uri, SingleQuotedBody, null, "4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383")]
    [InlineData("v3", "POST", Uri, SingleQuotedBody, "15000000", "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=")]
    [InlineData("v3", "POST", Uri, EventBody, "1564113600000", "DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=")]
    public void Compute_FactsTestVector_ReturnsExpectedSignature(
        string version, string? method, string? uri, string body, string? timestamp, string expected)
    {
        var bytes = Utf8(body);

        var actual = version switch
        {
            "v1" => HubSpotSignature.ComputeV1(Secret, bytes),
            "v2" => HubSpotSignature.ComputeV2(Secret, method!, uri!, bytes),
            "v3" => HubSpotSignature.ComputeV3(Secret, method!, uri!, bytes, timestamp!),
            _ => throw new ArgumentOutOfRangeException(nameof(version), version, "unknown version"),
        };

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(EventBody, "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de")]
    [InlineData(SingleQuotedBody, "69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750")]
    public void VerifyV1_FactsTestVector_ReturnsValid(string body, string signature)
    {
        Assert.Equal(HubSpotSignatureResult.Valid, HubSpotSignature.VerifyV1(Secret, Utf8(body), signature));
    }

    [Theory]
    [InlineData(SingleQuotedBody, "15000000", "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=")]
    [InlineData(EventBody, "1564113600000", "DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=")]
    public void VerifyV3_FactsTestVectorAtItsOwnTimestamp_ReturnsValid(string body, string timestamp, string signature)
    {
        var now = At(long.Parse(timestamp, CultureInfo.InvariantCulture));

        var result = HubSpotSignature.VerifyV3(Secret, "POST", Uri, Utf8(body), signature, timestamp, now);

        Assert.Equal(HubSpotSignatureResult.Valid, result);
    }

    [Fact]
    public void VerifyV3_AncientPythonVectorVerifiedToday_ReturnsStale()
    {
        var result = HubSpotSignature.VerifyV3(
            Secret, "POST", Uri, Utf8(SingleQuotedBody), "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=", "15000000", At(EventTimestampMs));

        Assert.Equal(HubSpotSignatureResult.Stale, result);
    }

    // Window rule: a request older (or newer) than 300,000 ms is stale; exactly 300,000 ms is still accepted.
    [Theory]
    [InlineData(0, HubSpotSignatureResult.Valid)]
    [InlineData(299_999, HubSpotSignatureResult.Valid)]
    [InlineData(300_000, HubSpotSignatureResult.Valid)]
    [InlineData(300_001, HubSpotSignatureResult.Stale)]
    [InlineData(86_400_000, HubSpotSignatureResult.Stale)]
    [InlineData(-299_999, HubSpotSignatureResult.Valid)]
    [InlineData(-300_000, HubSpotSignatureResult.Valid)]
    [InlineData(-300_001, HubSpotSignatureResult.Stale)]
    [InlineData(-86_400_000, HubSpotSignatureResult.Stale)]
    public void VerifyV3_RequestAge_AppliesFiveMinuteWindow(long ageMs, HubSpotSignatureResult expected)
    {
        // A negative age means the timestamp lies in the future relative to now.
        Assert.Equal(expected, VerifyEventV3(EventTimestampMs + ageMs));
    }

    [Fact]
    public void VerifyV3_StaleTimestampWithWrongSignature_ReturnsStaleBeforeComparing()
    {
        Assert.Equal(HubSpotSignatureResult.Stale, VerifyEventV3(EventTimestampMs + 300_001, signature: "not-even-base64!"));
    }

    [Fact]
    public void VerifyV3_TimestampFarInFutureNearLongMaxValue_ReturnsStale()
    {
        Assert.Equal(HubSpotSignatureResult.Stale, VerifyEventV3(EventTimestampMs, timestamp: long.MaxValue.ToString(CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(-1)]
    public void VerifyV3_FlippedBodyByte_ReturnsMismatch(int index)
    {
        var body = Utf8(EventBody);
        var position = index < 0 ? body.Length - 1 : index;
        body[position] ^= 0x01;

        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, body: body));
    }

    [Fact]
    public void VerifyV3_ReserializedBodyWithWhitespace_ReturnsMismatch()
    {
        var reserialized = Utf8(EventBody.Replace(",", ", ", StringComparison.Ordinal));

        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, body: reserialized));
    }

    [Fact]
    public void VerifyV3_BodyWithUtf8Bom_ReturnsMismatch()
    {
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. Utf8(EventBody)];

        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, body: withBom));
    }

    [Fact]
    public void VerifyV3_NonUtf8BodyBytes_AreHashedRawNotReplaced()
    {
        byte[] raw = [0x7B, 0xFF, 0xFE, 0x7D];
        var replaced = Utf8(Encoding.UTF8.GetString(raw));
        var signature = HubSpotSignature.ComputeV3(Secret, "POST", Uri, raw, EventTimestamp);

        Assert.Equal(HubSpotSignatureResult.Valid, VerifyEventV3(EventTimestampMs, signature: signature, body: raw));
        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, signature: signature, body: replaced));
    }

    [Theory]
    [InlineData("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyz")]
    [InlineData("YYYYYYYY-YYYY-YYYY-YYYY-YYYYYYYYYYYY")]
    [InlineData("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy ")]
    public void VerifyV3_WrongSecret_ReturnsMismatch(string secret)
    {
        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, secret: secret));
    }

    [Theory]
    [InlineData("GET", Uri)]
    [InlineData("post", Uri)]
    [InlineData("POST", "http://www.example.com/webhook_uri")]
    [InlineData("POST", "https://www.example.com/webhook_uri?a=1")]
    [InlineData("POST", "https://www.example.com/webhook_uri/")]
    public void VerifyV3_DifferentMethodOrUri_ReturnsMismatch(string method, string uri)
    {
        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, method: method, uri: uri));
    }

    [Fact]
    public void VerifyV3_TimestampAlteredWithinWindow_ReturnsMismatch()
    {
        // The timestamp is part of the signed string, so replaying with a fresher header fails.
        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, timestamp: "1564113600001"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void VerifyV3_MissingSignatureHeader_ReturnsMissingSignature(string? signature)
    {
        Assert.Equal(HubSpotSignatureResult.MissingSignature, VerifyEventV3(EventTimestampMs, signature: signature));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void VerifyV3_MissingTimestampHeader_ReturnsMissingTimestamp(string? timestamp)
    {
        Assert.Equal(HubSpotSignatureResult.MissingTimestamp, VerifyEventV3(EventTimestampMs, timestamp: timestamp));
    }

    [Fact]
    public void VerifyV3_BothHeadersMissing_ReturnsMissingSignature()
    {
        Assert.Equal(HubSpotSignatureResult.MissingSignature, VerifyEventV3(EventTimestampMs, signature: null, timestamp: null));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1564113600000ms")]
    [InlineData("1564113600000.0")]
    [InlineData("1564113600e3")]
    [InlineData("-1564113600000")]
    [InlineData("+1564113600000")]
    [InlineData(" 1564113600000")]
    [InlineData("1,564,113,600,000")]
    [InlineData("0x16C2E8B1000")]
    [InlineData("99999999999999999999999")]
    public void VerifyV3_NonNumericTimestamp_ReturnsBadTimestamp(string timestamp)
    {
        Assert.Equal(HubSpotSignatureResult.BadTimestamp, VerifyEventV3(EventTimestampMs, timestamp: timestamp));
    }

    [Theory]
    [InlineData("not-base64!")]
    [InlineData("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw")]
    [InlineData("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtv==")]
    [InlineData("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvwA")]
    [InlineData("AAAA")]
    [InlineData("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de")]
    public void VerifyV3_MalformedOrWrongLengthSignature_ReturnsMismatch(string signature)
    {
        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, signature: signature));
    }

    [Fact]
    public void VerifyV3_SignatureWithOneCharacterChanged_ReturnsMismatch()
    {
        var tampered = "E" + EventSignatureV3[1..];

        Assert.Equal(HubSpotSignatureResult.Mismatch, VerifyEventV3(EventTimestampMs, signature: tampered));
    }

    [Fact]
    public void VerifyV1_UpperCaseHex_ReturnsValid()
    {
        var result = HubSpotSignature.VerifyV1(Secret, Utf8(EventBody), EventSignatureV1.ToUpperInvariant());

        Assert.Equal(HubSpotSignatureResult.Valid, result);
    }

    [Fact]
    public void VerifyV1_FlippedBodyByte_ReturnsMismatch()
    {
        var body = Utf8(EventBody);
        body[10] ^= 0x01;

        Assert.Equal(HubSpotSignatureResult.Mismatch, HubSpotSignature.VerifyV1(Secret, body, EventSignatureV1));
    }

    [Fact]
    public void VerifyV1_WrongSecret_ReturnsMismatch()
    {
        var result = HubSpotSignature.VerifyV1("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyz", Utf8(EventBody), EventSignatureV1);

        Assert.Equal(HubSpotSignatureResult.Mismatch, result);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void VerifyV1_MissingSignatureHeader_ReturnsMissingSignature(string? signature)
    {
        Assert.Equal(HubSpotSignatureResult.MissingSignature, HubSpotSignature.VerifyV1(Secret, Utf8(EventBody), signature));
    }

    [Theory]
    [InlineData("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817d")]
    [InlineData("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de00")]
    [InlineData("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817dg")]
    [InlineData(" 232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817d")]
    [InlineData("DxmVAjFNa2xfF3YgQjdZP6TNcok9k1oaH7UXombPtvw=")]
    public void VerifyV1_MalformedSignature_ReturnsMismatch(string signature)
    {
        Assert.Equal(HubSpotSignatureResult.Mismatch, HubSpotSignature.VerifyV1(Secret, Utf8(EventBody), signature));
    }

    [Fact]
    public void ComputeV1_Always_ReturnsLowerCaseHex()
    {
        var signature = HubSpotSignature.ComputeV1(Secret, Utf8(EventBody));

        Assert.Equal(64, signature.Length);
        Assert.Equal(signature.ToLowerInvariant(), signature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void VerifyV3_NullOrEmptySecret_Throws(string? secret)
    {
        Assert.ThrowsAny<ArgumentException>(() =>
            HubSpotSignature.VerifyV3(secret!, "POST", Uri, Utf8(EventBody), EventSignatureV3, EventTimestamp, At(EventTimestampMs)));
    }
}
