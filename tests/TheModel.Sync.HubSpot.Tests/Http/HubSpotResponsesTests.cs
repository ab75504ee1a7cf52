using System.Text;
using TheModel.Sync.HubSpot.Http;

namespace TheModel.Sync.HubSpot.Tests.Http;

public sealed class HubSpotResponsesTests
{
    private const string TenSecondly = """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"5a7f3c1e-9b2d-4e8a-a1f0-3c6d7e8f9a0b","policyName":"TEN_SECONDLY_ROLLING"}""";
    private const string Daily = """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"DAILY","requestId":"3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd"}""";
    private const string SearchSecondly = """{"status":"error","message":"You have reached your secondly limit.","correlationId":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0","category":"RATE_LIMITS"}""";
    private const string Validation = """{"status":"error","message":"Property values were not valid","errors":[{"message":"Property \"x\" does not exist","in":"name"}],"category":"VALIDATION_ERROR","correlationId":"a43683b0-5717-4ceb-80b4-104d02915d8c"}""";
    private const string NotFound = """{"status":"error","message":"Object not found.  objectId are usually numeric.","correlationId":"9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4","context":{"id":["abc"]},"category":"OBJECT_NOT_FOUND"}""";
    private const string Conflict = """{"status":"error","message":"Contact already exists. Existing ID: 512","correlationId":"1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718","category":"CONFLICT"}""";

    [Fact]
    public void ParseRateLimitHeaders_AllPresent_ReturnsValues()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-HubSpot-RateLimit-Daily"] = "250000",
            ["X-HubSpot-RateLimit-Daily-Remaining"] = "249998",
            ["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000",
            ["X-HubSpot-RateLimit-Max"] = "100",
            ["X-HubSpot-RateLimit-Remaining"] = "99",
            ["X-HubSpot-RateLimit-Secondly"] = "10",
        };

        var limits = HubSpotResponses.ParseRateLimitHeaders(name => headers.GetValueOrDefault(name));

        Assert.Equal(new HubSpotRateLimits(250000, 249998, 10000, 100, 99), limits);
    }

    [Fact]
    public void ParseRateLimitHeaders_None_ReturnsAllNull()
    {
        var limits = HubSpotResponses.ParseRateLimitHeaders(_ => null);

        Assert.Equal(new HubSpotRateLimits(null, null, null, null, null), limits);
    }

    [Fact]
    public void ParseRateLimitHeaders_Recorded429DailyOnly_ReturnsDailyOnly()
    {
        var headers = new Dictionary<string, string>
        {
            ["X-HubSpot-RateLimit-Daily"] = "1000000",
            ["X-HubSpot-RateLimit-Daily-Remaining"] = "0",
            ["X-HubSpot-Correlation-Id"] = "c033cdaa-2c40-4a64-ae48-b4cec88dad24",
        };

        var limits = HubSpotResponses.ParseRateLimitHeaders(name => headers.GetValueOrDefault(name));

        Assert.Equal(new HubSpotRateLimits(1000000, 0, null, null, null), limits);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999")]
    public void ParseRateLimitHeaders_Unparseable_ReturnsNull(string value)
    {
        var limits = HubSpotResponses.ParseRateLimitHeaders(_ => value);

        Assert.Equal(new HubSpotRateLimits(null, null, null, null, null), limits);
    }

    [Fact]
    public void ParseRateLimitHeaders_IntervalBeyondInt_ReturnsNullInterval()
    {
        var limits = HubSpotResponses.ParseRateLimitHeaders(name => name == HubSpotResponses.IntervalMillisecondsHeader ? "3000000000" : "5");

        Assert.Equal(new HubSpotRateLimits(5, 5, null, 5, 5), limits);
    }

    [Theory]
    [InlineData(TenSecondly, "error", "You have reached your ten_secondly_rolling limit.", null, "5a7f3c1e-9b2d-4e8a-a1f0-3c6d7e8f9a0b", "TEN_SECONDLY_ROLLING", "RATE_LIMIT")]
    [InlineData(Daily, "error", "You have reached your daily limit.", null, "c033cdaa-2c40-4a64-ae48-b4cec88dad24", "DAILY", "RATE_LIMIT")]
    [InlineData(SearchSecondly, "error", "You have reached your secondly limit.", "RATE_LIMITS", "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", null, null)]
    [InlineData(NotFound, "error", "Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND", "9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4", null, null)]
    [InlineData(Conflict, "error", "Contact already exists. Existing ID: 512", "CONFLICT", "1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718", null, null)]
    [InlineData("{}", null, "", null, null, null, null)]
    [InlineData("""{"status":1,"message":null,"category":["x"]}""", null, "", null, null, null, null)]
    public void ParseError_VendorBodies_ReturnsFields(string body, string? status, string message, string? category, string? correlationId, string? policyName, string? errorType)
    {
        var error = HubSpotResponses.ParseError(Encoding.UTF8.GetBytes(body));

        Assert.Equal(status, error.Status);
        Assert.Equal(message, error.Message);
        Assert.Equal(category, error.Category);
        Assert.Equal(correlationId, error.CorrelationId);
        Assert.Equal(policyName, error.PolicyName);
        Assert.Equal(errorType, error.ErrorType);
        Assert.Empty(error.Details);
    }

    [Fact]
    public void ParseError_ValidationWithErrors_ReturnsDetails()
    {
        var error = HubSpotResponses.ParseError(Encoding.UTF8.GetBytes(Validation));

        Assert.Equal("VALIDATION_ERROR", error.Category);
        Assert.Equal("a43683b0-5717-4ceb-80b4-104d02915d8c", error.CorrelationId);
        Assert.Equal(["Property \"x\" does not exist"], error.Details);
    }

    [Fact]
    public void ParseError_ErrorsWithoutMessages_SkipsThem()
    {
        var error = HubSpotResponses.ParseError("""{"message":"m","errors":[{"in":"name"},"text",{"message":"kept","code":"INVALID"}]}"""u8);

        Assert.Equal(["kept"], error.Details);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("upstream connect error")]
    [InlineData("{\"status\":")]
    [InlineData("[{\"message\":\"array\"}]")]
    public void ParseError_NotAJsonObject_ReturnsRawMessage(string body)
    {
        var error = HubSpotResponses.ParseError(Encoding.UTF8.GetBytes(body));

        Assert.Equal(new HubSpotError(null, body, null, null, null, null, error.Details), error);
        Assert.Empty(error.Details);
    }

    [Fact]
    public void ParseError_LongNonJson_TruncatesTo200Chars()
    {
        var body = new string('y', 450);

        var error = HubSpotResponses.ParseError(Encoding.UTF8.GetBytes(body));

        Assert.Equal(body[..200], error.Message);
    }

    [Theory]
    [InlineData(429, TenSecondly, HubSpotLimitKind.TenSecondly)]
    [InlineData(429, Daily, HubSpotLimitKind.Daily)]
    [InlineData(429, SearchSecondly, HubSpotLimitKind.SearchSecondly)]
    [InlineData(429, """{"status":"error","message":"You have reached your secondly limit.","policyName":"TEN_SECONDLY_ROLLING"}""", HubSpotLimitKind.TenSecondly)]
    [InlineData(429, """{"status":"error","message":"Too many requests"}""", HubSpotLimitKind.TenSecondly)]
    [InlineData(429, "<html>Too Many Requests</html>", HubSpotLimitKind.TenSecondly)]
    [InlineData(200, TenSecondly, HubSpotLimitKind.None)]
    [InlineData(400, Validation, HubSpotLimitKind.None)]
    [InlineData(404, NotFound, HubSpotLimitKind.None)]
    [InlineData(409, Conflict, HubSpotLimitKind.None)]
    [InlineData(503, Daily, HubSpotLimitKind.None)]
    public void ClassifyRateLimit_VendorBodies_ReturnsKind(int status, string body, HubSpotLimitKind expected)
    {
        var error = HubSpotResponses.ParseError(Encoding.UTF8.GetBytes(body));

        Assert.Equal(expected, HubSpotResponses.ClassifyRateLimit(status, error));
    }
}
