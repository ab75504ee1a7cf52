using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Salesforce.Auth;
using TheModel.Sync.Salesforce.Tests.Connector;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TheModel.Sync.Salesforce.Tests.Auth;

/// <remarks>
/// The token flows of facts S-2 against WireMock: the exact form each flow posts, a JWT assertion that verifies with
/// the public key, token caching, one renewal on <c>INVALID_SESSION_ID</c> (and not a loop when it stays 401), and
/// OAuth errors surfacing with their code but never the secret.
/// </remarks>
public sealed class SalesforceAuthTests
{
    private const string EmptyQuery = """{"totalSize":0,"done":true,"records":[]}""";
    private const string InvalidSession = """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""";

    [Fact]
    public async Task ClientCredentials_FirstCall_PostsFormWithIdAndSecretAndUsesBearer()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery);

        await h.Connector.ReadOwnersAsync(CancellationToken.None);

        var token = Assert.Single(h.Requests(SalesforceHarness.TokenPath));
        Assert.Equal("POST", token.RequestMessage!.Method);
        Assert.StartsWith("application/x-www-form-urlencoded", SalesforceHarness.Header(token, "Content-Type"), StringComparison.Ordinal);
        Assert.Equal(
            "grant_type=client_credentials&client_id=3MVG9client&client_secret=s3cr3t-value",
            token.RequestMessage.Body);
        Assert.All(h.Requests(), r => Assert.Equal("Bearer " + SalesforceHarness.AccessToken, SalesforceHarness.Header(r, "Authorization")));
    }

    [Fact]
    public async Task JwtBearer_Assertion_IsRs256OverIssSubAudExpAndVerifiesWithThePublicKey()
    {
        var pem = SalesforceHarness.NewPrivateKeyPem(out var key);
        using (key)
        {
            await using var h = SalesforceHarness.Start((s, _) =>
            {
                s["Salesforce:AuthFlow"] = "JwtBearer";
                s["Salesforce:ClientSecret"] = null;
                s["Salesforce:Username"] = "sync@acme.example";
                s["Salesforce:PrivateKeyPem"] = pem;
            });
            h.StubToken();
            h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery);

            await h.Connector.ReadOwnersAsync(CancellationToken.None);

            var form = ParseForm(Assert.Single(h.Requests(SalesforceHarness.TokenPath)).RequestMessage!.Body!);
            Assert.Equal(["assertion", "grant_type"], form.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", form["grant_type"]);
            var parts = form["assertion"].Split('.');
            Assert.Equal(3, parts.Length);
            Assert.Equal("""{"alg":"RS256"}""", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])));
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            Assert.Equal("3MVG9client", claims.RootElement.GetProperty("iss").GetString());
            Assert.Equal("sync@acme.example", claims.RootElement.GetProperty("sub").GetString());
            Assert.Equal(h.Url, claims.RootElement.GetProperty("aud").GetString());
            Assert.Equal(h.Time.GetUtcNow().AddMinutes(3).ToUnixTimeSeconds(), claims.RootElement.GetProperty("exp").GetInt64());
            Assert.True(key.VerifyData(
                Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
                Base64Url.DecodeFromChars(parts[2]),
                HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1));
        }
    }

    [Fact]
    public async Task JwtBearer_KeyFileAndAudience_AreUsed()
    {
        var pem = SalesforceHarness.NewPrivateKeyPem(out var key);
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pem");
        await File.WriteAllTextAsync(path, pem);
        try
        {
            using (key)
            {
                await using var h = SalesforceHarness.Start((s, _) =>
                {
                    s["Salesforce:AuthFlow"] = "JwtBearer";
                    s["Salesforce:Username"] = "sync@acme.example";
                    s["Salesforce:PrivateKeyPath"] = path;
                    s["Salesforce:Audience"] = "https://test.salesforce.com";
                });
                h.StubToken();
                h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery);

                await h.Connector.ReadOwnersAsync(CancellationToken.None);

                var assertion = ParseForm(Assert.Single(h.Requests(SalesforceHarness.TokenPath)).RequestMessage!.Body!)["assertion"];
                using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(assertion.Split('.')[1]));
                Assert.Equal("https://test.salesforce.com", claims.RootElement.GetProperty("aud").GetString());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Token_SeveralCalls_IsRequestedOnce()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery);

        await h.Connector.ReadOwnersAsync(CancellationToken.None);
        await h.Connector.PollAsync(CrmObject.Person, Watermark.Start, 10, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => h.Connector.ReadOwnersAsync(CancellationToken.None)));

        Assert.Single(h.Requests(SalesforceHarness.TokenPath));
        Assert.Equal(13, h.Requests().Count);
    }

    [Fact]
    public async Task InvalidSession_Once_RenewsTokenAndResendsTheSameBodyWithIt()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken(SalesforceHarness.AccessToken, "tokens", whenState: null, nextState: "second");
        h.StubToken(SalesforceHarness.SecondAccessToken, "tokens", whenState: "second", nextState: "second");
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/composite/sobjects").UsingPatch()
                .WithHeader("Authorization", "Bearer " + SalesforceHarness.AccessToken))
            .RespondWith(SalesforceHarness.Json(401, InvalidSession));
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.DataPath + "/composite/sobjects").UsingPatch()
                .WithHeader("Authorization", "Bearer " + SalesforceHarness.SecondAccessToken))
            .RespondWith(SalesforceHarness.Json(200, """[{"id":"00Q000000000001EAA","success":true,"errors":[]}]"""));
        var plan = new WritePlan([new RecordUpdate("k1", CrmObject.Person, "00Q000000000001EAA", new Dictionary<string, string?> { ["Status"] = "Working" })], []);

        var outcomes = await h.Connector.WriteAsync(plan, CancellationToken.None);

        Assert.Equal(WriteStatus.Written, Assert.Single(outcomes).Status);
        Assert.Equal(2, h.Requests(SalesforceHarness.TokenPath).Count);
        var writes = h.Requests();
        Assert.Equal(2, writes.Count);
        Assert.Equal("Bearer " + SalesforceHarness.AccessToken, SalesforceHarness.Header(writes[0], "Authorization"));
        Assert.Equal("Bearer " + SalesforceHarness.SecondAccessToken, SalesforceHarness.Header(writes[1], "Authorization"));
        Assert.Equal(writes[0].RequestMessage!.Body, writes[1].RequestMessage!.Body);
        Assert.Contains("\"Status\":\"Working\"", writes[1].RequestMessage!.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSession_EvenAfterRenewal_FailsAfterOneResendWithoutLooping()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 401, InvalidSession);

        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => h.Connector.ReadOwnersAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("INVALID_SESSION_ID: Session expired or invalid", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, h.Requests(SalesforceHarness.TokenPath).Count);
        Assert.Equal(2, h.Requests().Count);
    }

    [Fact]
    public async Task InvalidSession_OnEveryWriteAttempt_MarksItemsFailed()
    {
        await using var h = SalesforceHarness.Start();
        h.StubToken();
        h.StubJson("PATCH", SalesforceHarness.DataPath + "/composite/sobjects", 401, InvalidSession);
        var plan = new WritePlan([new RecordUpdate("k1", CrmObject.Person, "00Q000000000001EAA", new Dictionary<string, string?> { ["Status"] = "Working" })], []);

        var outcome = Assert.Single(await h.Connector.WriteAsync(plan, CancellationToken.None));

        Assert.Equal(WriteStatus.Failed, outcome.Status);
        Assert.Equal("Salesforce sObject Collections write was refused (HTTP 401) even with a freshly issued token.", outcome.Error);
        Assert.Equal(2, h.Requests().Count);
    }

    [Theory]
    [InlineData("""{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}""", "invalid_grant", "invalid_grant: user hasn't approved this consumer")]
    [InlineData("""{"error":"invalid_client_credentials","error_description":"client secret invalid"}""", "invalid_client_credentials", "invalid_client_credentials: client secret invalid")]
    [InlineData("""{"error":"unsupported_grant_type"}""", "unsupported_grant_type", "unsupported_grant_type")]
    [InlineData("<html>Bad Request</html>", null, "<html>Bad Request</html>")]
    public async Task TokenRefused_ThrowsWithOAuthErrorButNotTheSecret(string body, string? code, string detail)
    {
        await using var h = SalesforceHarness.Start();
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.TokenPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json").WithBody(body));

        var error = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => h.Connector.ReadOwnersAsync(CancellationToken.None));

        Assert.Equal($"Salesforce token request (ClientCredentials, {h.Url}) failed with HTTP 400: {detail}", error.Message);
        Assert.Equal(code, error.Error);
        Assert.Equal(400, error.StatusCode);
        Assert.DoesNotContain(SalesforceHarness.ClientSecret, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(h.Requests());
    }

    [Fact]
    public async Task TokenRefused_DuringWrite_PropagatesInsteadOfFailingItems()
    {
        await using var h = SalesforceHarness.Start();
        h.Server.Given(Request.Create().WithPath(SalesforceHarness.TokenPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"error":"inactive_user","error_description":"user is inactive"}"""));
        var plan = new WritePlan([new RecordUpdate("k1", CrmObject.Person, "00Q000000000001EAA", new Dictionary<string, string?> { ["Status"] = "Working" })], []);

        var error = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => h.Connector.WriteAsync(plan, CancellationToken.None));

        Assert.Equal("inactive_user", error.Error);
    }

    [Fact]
    public async Task Token_ForAnotherOrganization_IsRefused()
    {
        await using var h = SalesforceHarness.Start((s, _) => s["Salesforce:OrganizationId"] = "00D000000000002EAA");
        h.StubToken();

        var error = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => h.Connector.ReadOwnersAsync(CancellationToken.None));

        Assert.Equal(
            "Salesforce issued a token for organization '00D000000000001EAA', but OrganizationId is '00D000000000002EAA'.",
            error.Message);
    }

    [Fact]
    public async Task Token_ForTheConfiguredOrganization_In15CharForm_IsAccepted()
    {
        await using var h = SalesforceHarness.Start((s, _) => s["Salesforce:OrganizationId"] = "00D000000000001");
        h.StubToken();
        h.StubJson("GET", SalesforceHarness.DataPath + "/query", 200, EmptyQuery);

        Assert.Empty(await h.Connector.ReadOwnersAsync(CancellationToken.None));
    }

    [Fact]
    public void Session_ToString_DoesNotShowTheToken()
    {
        var session = new SalesforceSession(SalesforceHarness.AccessToken, new Uri("https://acme.my.salesforce.com"));

        Assert.Equal("Salesforce session on acme.my.salesforce.com", session.ToString());
        Assert.Equal(
            new Uri("https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT%20Id%20FROM%20User"),
            session.Resolve(new Uri(SalesforceSession.PlaceholderBaseAddress, "/services/data/v62.0/query?q=SELECT%20Id%20FROM%20User")));
    }

    private static Dictionary<string, string> ParseForm(string body) =>
        body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);
}
