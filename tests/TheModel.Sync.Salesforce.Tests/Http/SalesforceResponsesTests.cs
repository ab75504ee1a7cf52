using System.Text;
using TheModel.Sync.Salesforce.Http;

namespace TheModel.Sync.Salesforce.Tests.Http;

public sealed class SalesforceResponsesTests
{
    private const string InvalidSession = """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""";
    private const string LimitExceeded = """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""";
    private const string EntityDeleted = """[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]""";
    private const string LockRow = """[{"message":"unable to obtain exclusive access to this record or 1 records: 00Q5e000001AbCdEAF","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]""";
    private const string RequiredField = """[{"message":"Required fields are missing: [Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]}]""";
    private const string CustomValidation = """[{"message":"Amount must be positive","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["Amount"]}]""";
    private const string MalformedQuery = """[{"message":"unexpected token: FORM","errorCode":"MALFORMED_QUERY"}]""";

    [Theory]
    [InlineData("api-usage=18/5000", 18L, 5000L)]
    [InlineData("api-usage=10018/100000", 10018L, 100000L)]
    [InlineData("api-usage=10018/100000; api-bursts=1/750", 10018L, 100000L)]
    [InlineData("api-bursts=1/750; api-usage=7/15000", 7L, 15000L)]
    [InlineData("api-usage=17/15000; per-app-api-usage=17/250(appName=sync)", 17L, 15000L)]
    [InlineData("  api-usage = 0/5000 ", 0L, 5000L)]
    public void TryParseLimitInfo_WellFormed_ReturnsUsage(string header, long used, long limit)
    {
        var parsed = SalesforceResponses.TryParseLimitInfo(header, out var usage);

        Assert.True(parsed);
        Assert.Equal(new ApiUsage(used, limit), usage);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("api-usage")]
    [InlineData("api-usage=")]
    [InlineData("api-usage=18")]
    [InlineData("api-usage=/5000")]
    [InlineData("api-usage=18/")]
    [InlineData("api-usage=x/5000")]
    [InlineData("api-usage=-1/5000")]
    [InlineData("api-usage=18/5000/1")]
    [InlineData("api-usage=99999999999999999999/5000")]
    [InlineData("api-bursts=1/750")]
    [InlineData("per-app-api-usage=17/250(appName=sync)")]
    public void TryParseLimitInfo_Malformed_ReturnsFalse(string? header)
    {
        var parsed = SalesforceResponses.TryParseLimitInfo(header, out var usage);

        Assert.False(parsed);
        Assert.Equal(default, usage);
    }

    [Theory]
    [InlineData(InvalidSession, "INVALID_SESSION_ID", "Session expired or invalid", "")]
    [InlineData(LimitExceeded, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", "")]
    [InlineData(EntityDeleted, "ENTITY_IS_DELETED", "entity is deleted", "")]
    [InlineData(RequiredField, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", "Name")]
    [InlineData("""{"message":"single","errorCode":"X","fields":["A","B"]}""", "X", "single", "A,B")]
    [InlineData("""[{"statusCode":"DUPLICATES_DETECTED","message":"Use one of these records?","fields":[]}]""", "DUPLICATES_DETECTED", "Use one of these records?", "")]
    [InlineData("""[{}]""", "", "", "")]
    [InlineData("""[{"errorCode":42,"message":null,"fields":"Name"}]""", "", "", "")]
    [InlineData("""[{"errorCode":"X","fields":["A",1,null]}]""", "X", "", "A")]
    public void ParseErrors_VendorShapes_ReturnsSingleError(string body, string code, string message, string fields)
    {
        var errors = SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(body));

        var error = Assert.Single(errors);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.Message);
        Assert.Equal(fields, string.Join(",", error.Fields));
    }

    [Fact]
    public void ParseErrors_SeveralErrors_ReturnsAllInOrder()
    {
        var body = """[{"message":"a","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]},{"message":"b","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["Amount"]}]"""u8;

        var errors = SalesforceResponses.ParseErrors(body);

        Assert.Equal(["REQUIRED_FIELD_MISSING", "FIELD_CUSTOM_VALIDATION_EXCEPTION"], errors.Select(e => e.ErrorCode));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""["text", 1, null]""")]
    public void ParseErrors_ArrayWithoutObjects_ReturnsEmpty(string body)
    {
        var errors = SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(body));

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>Service Unavailable</body></html>")]
    [InlineData("Bad Gateway")]
    [InlineData("[{\"message\":")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    public void ParseErrors_NotTheJsonShape_ReturnsUnparseable(string body)
    {
        var errors = SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(body));

        var error = Assert.Single(errors);
        Assert.Equal(SalesforceResponses.UnparseableErrorCode, error.ErrorCode);
        Assert.Equal("UNPARSEABLE", error.ErrorCode);
        Assert.Equal(body, error.Message);
        Assert.Empty(error.Fields);
    }

    [Fact]
    public void ParseErrors_LongNonJson_TruncatesTo200Chars()
    {
        var body = "<html>" + new string('x', 500);

        var error = Assert.Single(SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(body[..200], error.Message);
    }

    [Fact]
    public void ParseErrors_LongNonJsonSplittingSurrogatePair_DoesNotLeaveHalfPair()
    {
        var body = new string('x', 199) + "\U0001F600" + "tail";

        var error = Assert.Single(SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(new string('x', 199), error.Message);
    }

    [Theory]
    [InlineData(400, LockRow, SalesforceFailureKind.Transient)]
    [InlineData(500, "", SalesforceFailureKind.Transient)]
    [InlineData(502, "<html>Bad Gateway</html>", SalesforceFailureKind.Transient)]
    [InlineData(503, "", SalesforceFailureKind.Transient)]
    [InlineData(504, "", SalesforceFailureKind.Transient)]
    [InlineData(401, InvalidSession, SalesforceFailureKind.SessionExpired)]
    [InlineData(401, "", SalesforceFailureKind.SessionExpired)]
    [InlineData(403, LimitExceeded, SalesforceFailureKind.LimitExceeded)]
    [InlineData(404, EntityDeleted, SalesforceFailureKind.Permanent)]
    [InlineData(400, RequiredField, SalesforceFailureKind.Permanent)]
    [InlineData(400, CustomValidation, SalesforceFailureKind.Permanent)]
    [InlineData(400, MalformedQuery, SalesforceFailureKind.Permanent)]
    [InlineData(404, """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""", SalesforceFailureKind.Permanent)]
    [InlineData(403, """[{"errorCode":"INSUFFICIENT_ACCESS","message":"no"}]""", SalesforceFailureKind.Permanent)]
    [InlineData(409, "[]", SalesforceFailureKind.Permanent)]
    public void Classify_VendorResponses_ReturnsKind(int status, string body, SalesforceFailureKind expected)
    {
        var errors = SalesforceResponses.ParseErrors(Encoding.UTF8.GetBytes(body));

        Assert.Equal(expected, SalesforceResponses.Classify(status, errors));
    }

    [Fact]
    public void Classify_ValidationAndLockTogether_ReturnsTransient()
    {
        var errors = new[]
        {
            new SalesforceError("FIELD_CUSTOM_VALIDATION_EXCEPTION", "v", ["Amount"]),
            new SalesforceError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records: 00Q", []),
        };

        Assert.Equal(SalesforceFailureKind.Transient, SalesforceResponses.Classify(400, errors));
    }
}
