namespace TheModel.Sync.Redis.Tests;

public sealed class RedisStoreOptionsValidatorTests
{
    private static RedisStoreOptions Valid() => new() { Configuration = "localhost:6379" };

    public static TheoryData<string, Action<RedisStoreOptions>, string> InvalidOptions => new()
    {
        { "no configuration", o => o.Configuration = " ", "Redis:Configuration is required (a StackExchange.Redis configuration string such as 'localhost:6379'), was ' '." },
        { "unknown keyword", o => o.Configuration = "localhost:6379,flavour=vanilla", "Redis:Configuration could not be parsed: Keyword 'flavour' is not supported." },
        { "no endpoint", o => o.Configuration = "abortConnect=false", "Redis:Configuration must name at least one endpoint (host:port)." },
        { "empty prefix", o => o.KeyPrefix = string.Empty, "Redis:KeyPrefix must be non-empty without spaces (keys of different deployments must not collide), was ''." },
        { "short dedupe", o => o.DedupeTtl = TimeSpan.FromHours(12), "Redis:DedupeTtl must be at least 1.00:00:00 (the CRMs retry a delivery for 24 h), was 12:00:00." },
        { "no plan retention", o => o.PlanRetention = TimeSpan.Zero, "Redis:PlanRetention must be at least 00:01:00, was 00:00:00." },
        { "empty log", o => o.DecisionLogMaxLength = 0, "Redis:DecisionLogMaxLength must be at least 1, was 0." },
        { "group with space", o => o.ConsumerGroup = "my workers", "Redis:ConsumerGroup must be a non-empty name without spaces, was 'my workers'." },
        { "busy poll", o => o.EmptyReadPollInterval = TimeSpan.FromMilliseconds(1), "Redis:EmptyReadPollInterval must be between 00:00:00.0050000 and 00:00:05, was 00:00:00.0010000." },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Validate_InvalidOptions_ReportsTheBadValue(string why, Action<RedisStoreOptions> spoil, string message)
    {
        var options = Valid();
        spoil(options);

        var result = new RedisStoreOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, why);
        Assert.Equal([message], result.Failures);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new RedisStoreOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEveryOne()
    {
        var options = new RedisStoreOptions { Configuration = string.Empty, DecisionLogMaxLength = -1, ConsumerGroup = string.Empty };

        var result = new RedisStoreOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }
}
