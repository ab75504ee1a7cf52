using Microsoft.Extensions.Configuration;
using TheModel.Sync.Worker.Operations;

namespace TheModel.Sync.Worker.Tests.Operations;

public sealed class LogRedactorTests
{
    private readonly LogRedactor _redactor = new(["s3cr3t-token-value", "1"]);

    [Theory]
    [InlineData("from kenta@newco.example today", "from [email] today")]
    [InlineData("a.b+tag@mail.corp.example.co.jp,", "[email],")]
    [InlineData("call +81 90-1234-5678 now", "call [phone] now")]
    [InlineData("call +14155552671", "call [phone]")]
    [InlineData("tel 090-1234-5678", "tel [phone]")]
    [InlineData("tel (555) 123-4567.", "tel [phone].")]
    [InlineData("tel 555.123.4567", "tel [phone]")]
    [InlineData("Bearer s3cr3t-token-value", "Bearer [secret]")]
    public void Redact_PersonalDataOrSecret_Replaced(string text, string expected) =>
        Assert.Equal(expected, _redactor.Redact(text));

    [Theory]
    [InlineData("occurredAt 1462216307945")]
    [InlineData("at 2026-11-30T10:00:00+09:00")]
    [InlineData("date 2026-11-30 10:00")]
    [InlineData("lead 00Q000000000001AAA owner 005000000000001AAA")]
    [InlineData("owner 41234567 took 12.5 ms")]
    [InlineData("batch of 100 in 1")]
    [InlineData("listening on http://127.0.0.1:8080")]
    [InlineData("version sha256:4620239a12d20510ea897104247c23cd135747a928d752d4a7e2513dc567c08c")]
    public void Redact_IdsTimesAndNumbers_LeftAlone(string text) =>
        Assert.Equal(text, _redactor.Redact(text));

    [Fact]
    public void Secrets_Configuration_FindsSecretKeysAndConnectionStringPasswords()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HubSpot:ClientSecret"] = "hs-secret-value",
            ["HubSpot:AccessToken"] = "pat-na1-token",
            ["Salesforce:PrivateKey"] = "-----BEGIN PRIVATE KEY-----",
            ["Redis:Configuration"] = "redis.internal:6379,password=hunter2hunter2,ssl=true",
            ["Worker:PollInterval"] = "30s",
        }).Build();

        var secrets = WorkerLogging.Secrets(configuration).ToList();

        Assert.Equal(
            ["-----BEGIN PRIVATE KEY-----", "hs-secret-value", "hunter2hunter2", "pat-na1-token"],
            secrets.Order(StringComparer.Ordinal).ToList());
    }
}
