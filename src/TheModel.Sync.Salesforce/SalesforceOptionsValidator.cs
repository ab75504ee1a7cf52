using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Auth;

namespace TheModel.Sync.Salesforce;

/// <summary>
/// Checks every setting at once and reports each bad one as "<c>Section:Key must be …, was X</c>". Secret values are
/// never echoed: a bad secret or key is named, not shown.
/// </summary>
internal sealed partial class SalesforceOptionsValidator(string sectionPath) : IValidateOptions<SalesforceOptions>
{
    internal const double MinBudgetShare = 0.01;
    internal const int MaxWriteAttempts = 20;
    internal const int MinBatchSize = 200;
    internal const int MaxBatchSize = 2000;
    internal static readonly TimeSpan MinRequestTimeout = TimeSpan.FromSeconds(1);

    // The REST call limit (facts S-8): a longer attempt timeout could never fire before Salesforce gives up.
    internal static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMinutes(10);
    internal static readonly TimeSpan MaxWriteRetryDelay = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan MinProbeInterval = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan MaxProbeInterval = TimeSpan.FromHours(1);
    internal static readonly TimeSpan MaxPollSettleTime = TimeSpan.FromHours(1);

    private readonly string _prefix = string.IsNullOrEmpty(sectionPath) ? "Salesforce" : sectionPath;

    public ValidateOptionsResult Validate(string? name, SalesforceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (!IsHttpUrl(options.LoginUrl))
        {
            errors.Add($"{_prefix}:LoginUrl must be an absolute http or https URL, was '{options.LoginUrl}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.Audience) && !IsHttpUrl(options.Audience))
        {
            errors.Add($"{_prefix}:Audience must be an absolute http or https URL, was '{options.Audience}'.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{_prefix}:ClientId is required (the connected app's consumer key).");
        }

        if (!Enum.IsDefined(options.AuthFlow))
        {
            errors.Add($"{_prefix}:AuthFlow must be JwtBearer or ClientCredentials, was '{options.AuthFlow}'.");
        }
        else if (options.AuthFlow == SalesforceAuthFlow.ClientCredentials)
        {
            if (string.IsNullOrWhiteSpace(options.ClientSecret))
            {
                errors.Add($"{_prefix}:ClientSecret is required when AuthFlow is ClientCredentials.");
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(options.Username))
            {
                errors.Add($"{_prefix}:Username is required when AuthFlow is JwtBearer.");
            }

            var keyError = SalesforcePrivateKey.Check(options, _prefix);
            if (keyError is not null)
            {
                errors.Add(keyError);
            }
        }

        if (options.ApiVersion is null || !ApiVersionPattern().IsMatch(options.ApiVersion))
        {
            errors.Add($"{_prefix}:ApiVersion must look like v62.0, was '{options.ApiVersion}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.OrganizationId) && !SalesforceIds.TryCanonical(options.OrganizationId, out _))
        {
            errors.Add($"{_prefix}:OrganizationId must be a 15- or 18-character Salesforce id, was '{options.OrganizationId}'.");
        }

        if (double.IsNaN(options.DailyBudgetShare) || options.DailyBudgetShare is < MinBudgetShare or > 1)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{_prefix}:DailyBudgetShare must be between 0.01 and 1, was {options.DailyBudgetShare}."));
        }

        AddRange(errors, "RequestTimeout", options.RequestTimeout, MinRequestTimeout, MaxRequestTimeout);
        AddRange(errors, "WriteRetryDelay", options.WriteRetryDelay, TimeSpan.Zero, MaxWriteRetryDelay);
        AddRange(errors, "BudgetProbeInterval", options.BudgetProbeInterval, MinProbeInterval, MaxProbeInterval);
        AddRange(errors, "PollSettleTime", options.PollSettleTime, TimeSpan.Zero, MaxPollSettleTime);

        if (options.WriteAttempts is < 1 or > MaxWriteAttempts)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{_prefix}:WriteAttempts must be between 1 and {MaxWriteAttempts}, was {options.WriteAttempts}."));
        }

        if (options.QueryBatchSize is < MinBatchSize or > MaxBatchSize)
        {
            errors.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{_prefix}:QueryBatchSize must be between {MinBatchSize} and {MaxBatchSize}, was {options.QueryBatchSize}."));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void AddRange(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{_prefix}:{key} must be between {min:c} and {max:c}, was {value:c}."));
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    [GeneratedRegex(@"^v[1-9][0-9]{1,2}\.0$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiVersionPattern();
}
