using System.Globalization;
using Microsoft.Extensions.Options;

namespace TheModel.Sync.HubSpot;

/// <summary>
/// Checks <see cref="HubSpotOptions"/> on start and reports every problem at once, each naming the key and the value
/// seen (except the token, which is secret: only its length is shown).
/// </summary>
internal sealed class HubSpotOptionsValidator(string sectionPath) : IValidateOptions<HubSpotOptions>
{
    public ValidateOptionsResult Validate(string? name, HubSpotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        void Fail(string message) => (failures ??= []).Add($"{sectionPath}:{message}");

        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp)
            || baseUrl.Query.Length > 0)
        {
            Fail($"BaseUrl must be an absolute http(s) URL without a query, was '{options.BaseUrl}'.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            Fail("AccessToken is required (the private app token, pat-...), was empty.");
        }
        else if (options.AccessToken.Any(char.IsWhiteSpace))
        {
            Fail($"AccessToken must not contain whitespace, was a {options.AccessToken.Length}-character value with whitespace.");
        }

        if (string.IsNullOrEmpty(options.ObjectsPath)
            || options.ObjectsPath[0] != '/'
            || options.ObjectsPath.EndsWith('/')
            || options.ObjectsPath.IndexOfAny(['?', '#', ' ']) >= 0)
        {
            Fail($"ObjectsPath must start with '/' and not end with '/' (e.g. /crm/v3/objects or /crm/objects/2026-03), was '{options.ObjectsPath}'.");
        }

        if (!(options.DailyBudgetShare > 0 && options.DailyBudgetShare <= 1))
        {
            Fail($"DailyBudgetShare must be greater than 0 and at most 1, was {Show(options.DailyBudgetShare)}.");
        }

        if (options.AssumedDailyLimit < 1)
        {
            Fail($"AssumedDailyLimit must be at least 1, was {Show(options.AssumedDailyLimit)}.");
        }

        if (options.BurstHeadroom is < 0 or > 90)
        {
            Fail($"BurstHeadroom must be between 0 and 90, was {Show(options.BurstHeadroom)}.");
        }

        if (options.SearchPerSecond is < 1 or > 5)
        {
            Fail($"SearchPerSecond must be between 1 and 5 (HubSpot allows 5 per second), was {Show(options.SearchPerSecond)}.");
        }

        if (options.RequestTimeout < TimeSpan.FromSeconds(1) || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            Fail($"RequestTimeout must be between 00:00:01 and 00:05:00, was {Show(options.RequestTimeout)}.");
        }

        if (options.WriteAttempts is < 1 or > 10)
        {
            Fail($"WriteAttempts must be between 1 and 10, was {Show(options.WriteAttempts)}.");
        }

        if (options.DailyProbeInterval < TimeSpan.FromMinutes(1) || options.DailyProbeInterval > TimeSpan.FromHours(24))
        {
            Fail($"DailyProbeInterval must be between 00:01:00 and 1.00:00:00, was {Show(options.DailyProbeInterval)}.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Show(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
