using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TheModel.Sync.Simulators.Salesforce;

namespace TheModel.Sync.Simulators.Tests.Salesforce;

public sealed class SalesforceTokenTests : IDisposable
{
    private const string ClientId = "3MVG9SimulatedConnectedAppKey";
    private const string Username = "integration@themodel.example";
    private const string Login = "https://login.salesforce.com";
    private const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task Token_ValidJwt_ReturnsTokenBodyThatAuthenticatesRestCalls()
    {
        await using var host = await StartWithKeyAsync();
        var assertion = TestJwt.Create(_key, ClientId, Username, Login, SalesforceTestHost.Start.AddMinutes(3));

        var (status, body) = await PostTokenAsync(host, new() { ["grant_type"] = JwtGrant, ["assertion"] = assertion });

        Assert.Equal(HttpStatusCode.OK, status);
        var instance = host.Simulator.BaseUrl.GetLeftPart(UriPartial.Authority);
        Assert.Equal(instance, body!["instance_url"]!.GetValue<string>());
        Assert.Equal($"{instance}/id/{host.Simulator.OrganizationId}/{host.Simulator.IntegrationUserId}", body["id"]!.GetValue<string>());
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal("api", body["scope"]!.GetValue<string>());
        Assert.Equal(SalesforceTestHost.Start.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), body["issued_at"]!.GetValue<string>());
        var expectedSignature = Convert.ToBase64String(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("simulated-consumer-secret"), Encoding.UTF8.GetBytes(body["id"]!.GetValue<string>() + body["issued_at"]!.GetValue<string>())));
        Assert.Equal(expectedSignature, body["signature"]!.GetValue<string>());
        Assert.Null(body["refresh_token"]);

        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["access_token"]!.GetValue<string>());
        var (queryStatus, _, _) = await host.QueryAsync("SELECT Id FROM User");
        Assert.Equal(HttpStatusCode.OK, queryStatus);
    }

    [Fact]
    public async Task Token_JwtFromCertificatePem_IsAccepted()
    {
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=themodel", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await SalesforceTestHost.StartAsync(o => o.JwtPublicKeyPem = certificate.ExportCertificatePem(), authenticate: false);
        var assertion = TestJwt.Create(_key, ClientId, Username, "https://test.salesforce.com", SalesforceTestHost.Start.AddMinutes(3));

        var (status, _) = await PostTokenAsync(host, new() { ["grant_type"] = JwtGrant, ["assertion"] = assertion });

        Assert.Equal(HttpStatusCode.OK, status);
    }

    public static TheoryData<string, string, string, string, int, string> BadAssertions => new()
    {
        // signer, iss, sub, aud, exp offset (s), expected error
        { "other", ClientId, Username, Login, 180, "invalid_grant:invalid assertion" },
        { "right", "someone-else", Username, Login, 180, "invalid_client_id:client identifier invalid" },
        { "right", ClientId, "nobody@example.com", Login, 180, "invalid_grant:user hasn't approved this consumer" },
        { "right", ClientId, Username, "http://127.0.0.1", 180, "invalid_grant:audience is invalid" },
        { "right", ClientId, Username, Login, -1, "invalid_grant:expired authorization code" },
    };

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task Token_BadJwt_Answers400InOAuthErrorShape(string signer, string iss, string sub, string aud, int expOffsetSeconds, string expected)
    {
        await using var host = await StartWithKeyAsync();
        var assertion = TestJwt.Create(signer == "right" ? _key : _otherKey, iss, sub, aud, SalesforceTestHost.Start.AddSeconds(expOffsetSeconds));

        var (status, body) = await PostTokenAsync(host, new() { ["grant_type"] = JwtGrant, ["assertion"] = assertion });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expected, body!["error"]!.GetValue<string>() + ":" + body["error_description"]!.GetValue<string>());
        Assert.Equal(2, body.AsObject().Count);
    }

    [Fact]
    public async Task Token_MalformedAssertion_IsInvalidGrant()
    {
        await using var host = await StartWithKeyAsync();

        var (status, body) = await PostTokenAsync(host, new() { ["grant_type"] = JwtGrant, ["assertion"] = "not-a-jwt" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_ClientCredentialsInBasicHeader_Succeeds()
    {
        await using var host = await SalesforceTestHost.StartAsync(authenticate: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/services/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":simulated-consumer-secret")));

        using var response = await host.Http.SendAsync(request);
        var body = await SalesforceTestHost.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(host.Simulator.OrganizationId[..15] + "!", body!["access_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, host.Simulator.TokenCalls);
        Assert.Equal(0, host.Simulator.ApiCallsUsed);
    }

    [Theory]
    [InlineData("client_credentials", ClientId, "wrong-secret", "invalid_client_credentials")]
    [InlineData("client_credentials", "unknown-client", "simulated-consumer-secret", "invalid_client_id")]
    [InlineData("password", ClientId, "simulated-consumer-secret", "unsupported_grant_type")]
    [InlineData("", ClientId, "simulated-consumer-secret", "invalid_request")]
    public async Task Token_BadClientCredentials_Answers400WithOAuthError(string grant, string clientId, string secret, string error)
    {
        await using var host = await SalesforceTestHost.StartAsync(authenticate: false);

        var (status, body) = await PostTokenAsync(host, new() { ["grant_type"] = grant, ["client_id"] = clientId, ["client_secret"] = secret });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, body!["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["error_description"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Rest_TokenPastItsLifetime_Answers401InvalidSessionId()
    {
        await using var host = await SalesforceTestHost.StartAsync(o => o.TokenLifetime = TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.OK, (await host.QueryAsync("SELECT Id FROM Lead")).Status);

        host.Time.Advance(TimeSpan.FromMinutes(30));
        var (status, body, response) = await host.QueryAsync("SELECT Id FROM Lead");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("""[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""", body!.ToJsonString());
        Assert.True(response.Headers.Contains("Sforce-Limit-Info"));
    }

    [Fact]
    public async Task Rest_AfterExpireTokens_Answers401UntilANewTokenIsFetched()
    {
        await using var host = await SalesforceTestHost.StartAsync();
        host.Simulator.ExpireTokens();

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.QueryAsync("SELECT Id FROM Lead")).Status);
        await host.AuthenticateAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.QueryAsync("SELECT Id FROM Lead")).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer nonsense")]
    [InlineData("Basic abc")]
    public async Task Rest_MissingOrUnknownToken_Answers401(string? authorization)
    {
        await using var host = await SalesforceTestHost.StartAsync(authenticate: false);
        var headers = authorization is null ? null : new Dictionary<string, string> { ["Authorization"] = authorization };

        var (status, body, _) = await host.GetAsync("limits", headers);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("INVALID_SESSION_ID", body![0]!["errorCode"]!.GetValue<string>());
        Assert.Equal(0, host.Simulator.ApiCallsUsed);
    }

    [Fact]
    public async Task RequestLog_TokenRequest_RedactsSecretsAndAssertions()
    {
        await using var host = await SalesforceTestHost.StartAsync();

        var logged = Assert.Single(host.Simulator.Requests);

        Assert.Contains("client_secret=***", logged.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("simulated-consumer-secret", logged.Body, StringComparison.Ordinal);
    }

    private Task<SalesforceTestHost> StartWithKeyAsync() =>
        SalesforceTestHost.StartAsync(o => o.JwtPublicKeyPem = _key.ExportSubjectPublicKeyInfoPem(), authenticate: false);

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostTokenAsync(SalesforceTestHost host, Dictionary<string, string> form)
    {
        using var response = await host.Http.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, await SalesforceTestHost.ReadJsonAsync(response));
    }
}
