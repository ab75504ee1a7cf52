using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TheModel.Sync.Application.Http;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Salesforce.Api;

namespace TheModel.Sync.Salesforce.Auth;

/// <summary>
/// Issues and caches the access token. Salesforce tokens carry no lifetime (no <c>expires_in</c>, no refresh token), so
/// the cached token is used until a request is answered 401 and <see cref="RenewAsync"/> replaces it. One token
/// request runs at a time: concurrent callers wait for it instead of logging in N times.
/// </summary>
internal sealed class SalesforceTokenProvider : IDisposable
{
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const int MaxErrorPreview = 200;

    private readonly ISalesforceTokenApi _api;
    private readonly SalesforceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SalesforceTokenProvider> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly Lazy<RSA> _key;
    private SalesforceSession? _current;

    public SalesforceTokenProvider(
        ISalesforceTokenApi api,
        IOptions<SalesforceOptions> options,
        TimeProvider time,
        ILogger<SalesforceTokenProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _api = api;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _key = new Lazy<RSA>(() => SalesforcePrivateKey.Load(_options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>How many tokens were issued (tests and diagnostics).</summary>
    public int TokensIssued { get; private set; }

    /// <summary>The cached session, logging in first when there is none.</summary>
    public async ValueTask<SalesforceSession> GetSessionAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        return current ?? await RenewAsync(rejected: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A new session to replace <paramref name="rejected"/>. When another caller already replaced it, that newer
    /// session is returned and no second token is requested.
    /// </summary>
    public async Task<SalesforceSession> RenewAsync(SalesforceSession? rejected, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Volatile.Read(ref _current);
            if (current is not null && !ReferenceEquals(current, rejected))
            {
                return current;
            }

            var session = await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, session);
            return session;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose()
    {
        _refresh.Dispose();
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }

    private async Task<SalesforceSession> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var form = BuildForm();
        using var response = await _api.RequestTokenAsync(form, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 500 or 408 or 429)
        {
            // Still failing after the pipeline's retries, but not a refusal: the caller may try again later.
            throw new HttpRequestException(
                $"Salesforce token endpoint ({_options.LoginUrl}) is unavailable: HTTP {(int)response.StatusCode}.",
                inner: null,
                response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw Refused(response.StatusCode, body);
        }

        TokenResponse? token;
        try
        {
            token = JsonSerializer.Deserialize<TokenResponse>(body, SalesforceJson.Options);
        }
        catch (JsonException)
        {
            token = null;
        }

        if (string.IsNullOrEmpty(token?.AccessToken)
            || !Uri.TryCreate(token.InstanceUrl, UriKind.Absolute, out var instance)
            || (instance.Scheme != Uri.UriSchemeHttps && instance.Scheme != Uri.UriSchemeHttp))
        {
            throw new SalesforceAuthenticationException(
                $"Salesforce token response ({_options.AuthFlow}) had no usable access_token and instance_url.",
                error: null,
                (int)response.StatusCode);
        }

        // A plain-http instance is only believable when the login itself is plain http (a local simulator).
        if (instance.Scheme == Uri.UriSchemeHttp && !_options.LoginUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new SalesforceAuthenticationException(
                $"Salesforce token response named an instance_url without TLS, was '{instance.GetLeftPart(UriPartial.Authority)}'.");
        }

        CheckOrganization(token.Id);
        TokensIssued++;
        SalesforceLog.TokenAcquired(_logger, _options.AuthFlow, instance.Authority);
        return new SalesforceSession(token.AccessToken, instance);
    }

    private Dictionary<string, string> BuildForm()
    {
        if (_options.AuthFlow == SalesforceAuthFlow.ClientCredentials)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = _options.ClientId!,
                ["client_secret"] = _options.ClientSecret!,
            };
        }

        var assertion = JwtBearerAssertion.Create(
            _key.Value,
            _options.ClientId!,
            _options.Username!,
            _options.EffectiveAudience,
            _time.GetUtcNow());
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["grant_type"] = JwtBearerGrant,
            ["assertion"] = assertion,
        };
    }

    /// <summary>The identity URL ends in <c>/id/&lt;orgId&gt;/&lt;userId&gt;</c>; refuse a token for another org when one is configured.</summary>
    private void CheckOrganization(string? identityUrl)
    {
        if (string.IsNullOrWhiteSpace(_options.OrganizationId)
            || !SalesforceIds.TryCanonical(_options.OrganizationId, out var expected))
        {
            return;
        }

        var parts = identityUrl?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var actual = parts.Length >= 2 && SalesforceIds.TryCanonical(parts[^2], out var org) ? org : null;
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
        {
            throw new SalesforceAuthenticationException(
                $"Salesforce issued a token for organization '{actual ?? "(none)"}', but OrganizationId is '{expected}'.");
        }
    }

    private SalesforceAuthenticationException Refused(HttpStatusCode status, byte[] body)
    {
        string? error = null;
        string? description = null;
        try
        {
            var parsed = JsonSerializer.Deserialize<TokenError>(body, SalesforceJson.Options);
            error = parsed?.Error;
            description = parsed?.Description;
        }
        catch (JsonException)
        {
        }

        var detail = error is null
            ? ResponseText.Preview(body, MaxErrorPreview)
            : description is null ? error : $"{error}: {description}";
        SalesforceLog.TokenRefused(_logger, _options.AuthFlow, (int)status, error ?? "(no OAuth error code)");
        return new SalesforceAuthenticationException(
            $"Salesforce token request ({_options.AuthFlow}, {_options.LoginUrl}) failed with HTTP {(int)status}: {detail}",
            error,
            (int)status);
    }
}
