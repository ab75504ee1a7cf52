using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TheModel.Sync.Redis;

/// <summary>
/// Checks every setting at once and reports each bad one as "<c>Redis:Key must be …, was X.</c>". The connection
/// string is never echoed when it fails to parse: it may carry a password.
/// </summary>
internal sealed class RedisStoreOptionsValidator : IValidateOptions<RedisStoreOptions>
{
    /// <summary>HubSpot retries a webhook for 24 h and Salesforce an Outbound Message for 24 h: a shorter dedupe window lets a late retry through twice.</summary>
    internal static readonly TimeSpan MinDedupeTtl = TimeSpan.FromHours(24);

    internal static readonly TimeSpan MinPlanRetention = TimeSpan.FromMinutes(1);

    internal static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(5);

    internal static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(5);

    public ValidateOptionsResult Validate(string? name, RedisStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            errors.Add($"Redis:Configuration is required (a StackExchange.Redis configuration string such as 'localhost:6379'), was '{options.Configuration}'.");
        }
        else
        {
            try
            {
                var parsed = ConfigurationOptions.Parse(options.Configuration);
                if (parsed.EndPoints.Count == 0)
                {
                    errors.Add("Redis:Configuration must name at least one endpoint (host:port).");
                }
            }
            catch (ArgumentException ex)
            {
                var because = ex.ParamName is { } param ? ex.Message.Replace($" (Parameter '{param}')", string.Empty, StringComparison.Ordinal) : ex.Message;
                errors.Add($"Redis:Configuration could not be parsed: {because}");
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Any(char.IsWhiteSpace))
        {
            errors.Add($"Redis:KeyPrefix must be non-empty without spaces (keys of different deployments must not collide), was '{options.KeyPrefix}'.");
        }

        if (options.DedupeTtl < MinDedupeTtl)
        {
            errors.Add($"Redis:DedupeTtl must be at least {Show(MinDedupeTtl)} (the CRMs retry a delivery for 24 h), was {Show(options.DedupeTtl)}.");
        }

        if (options.PlanRetention < MinPlanRetention)
        {
            errors.Add($"Redis:PlanRetention must be at least {Show(MinPlanRetention)}, was {Show(options.PlanRetention)}.");
        }

        if (options.DecisionLogMaxLength < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Redis:DecisionLogMaxLength must be at least 1, was {options.DecisionLogMaxLength}."));
        }

        if (string.IsNullOrWhiteSpace(options.ConsumerGroup) || options.ConsumerGroup.Any(char.IsWhiteSpace))
        {
            errors.Add($"Redis:ConsumerGroup must be a non-empty name without spaces, was '{options.ConsumerGroup}'.");
        }

        if (options.EmptyReadPollInterval < MinPollInterval || options.EmptyReadPollInterval > MaxPollInterval)
        {
            errors.Add($"Redis:EmptyReadPollInterval must be between {Show(MinPollInterval)} and {Show(MaxPollInterval)}, was {Show(options.EmptyReadPollInterval)}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
