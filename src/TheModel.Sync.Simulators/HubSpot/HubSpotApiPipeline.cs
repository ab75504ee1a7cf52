using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TheModel.Sync.Simulators.Faults;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>
/// What every API request goes through, in HubSpot's order: bearer auth (401), the rate limits (429, with the
/// <c>X-HubSpot-RateLimit-*</c> headers on everything but search), then the fault plan, then the handler.
/// Every request is logged with the status it got.
/// </summary>
internal sealed class HubSpotApiPipeline
{
    private const string JsonContentType = "application/json;charset=utf-8";

    private readonly TimeProvider _time;
    private readonly HubSpotRateLimiter _limiter;
    private readonly FaultPlan _faults;
    private readonly int _maxLogged;
    private readonly Lock _gate = new();
    private readonly Queue<HubSpotLoggedRequest> _log = new();
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private HashSet<string> _tokens;
    private int _rateLimited;
    private int _burstLimited;
    private int _dailyLimited;
    private int _searchLimited;
    private int _unauthorized;
    private int _serverErrors;

    public HubSpotApiPipeline(TimeProvider time, HubSpotRateLimiter limiter, FaultPlan faults, IEnumerable<string> tokens, int maxLogged)
    {
        _time = time;
        _limiter = limiter;
        _faults = faults;
        _maxLogged = maxLogged;
        _tokens = new HashSet<string>(tokens, StringComparer.Ordinal);
    }

    public void SetTokens(IEnumerable<string> tokens)
    {
        var set = new HashSet<string>(tokens, StringComparer.Ordinal);
        if (set.Count == 0 || set.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one access token is needed, and none may be blank.", nameof(tokens));
        }

        lock (_gate)
        {
            _tokens = set;
        }
    }

    public IReadOnlyList<HubSpotLoggedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _log.Clear();
        }
    }

    public (IReadOnlyDictionary<string, int> Calls, int RateLimited, int Burst, int Daily, int Search, int Unauthorized) Counters
    {
        get
        {
            lock (_gate)
            {
                return (new Dictionary<string, int>(_calls, StringComparer.Ordinal), _rateLimited, _burstLimited, _dailyLimited, _searchLimited, _unauthorized);
            }
        }
    }

    public async Task HandleAsync(HttpContext context, string pattern, HubSpotOperation operation)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var correlationId = Guid.NewGuid().ToString();
        context.Response.Headers["X-HubSpot-Correlation-Id"] = correlationId;

        if (!IsAuthorized(context))
        {
            lock (_gate)
            {
                _unauthorized++;
            }

            await WriteAsync(context, now, body, new ApiResult(401, HubSpotErrors.Body("INVALID_AUTHENTICATION", HubSpotErrors.AuthenticationMessage, correlationId))).ConfigureAwait(false);
            return;
        }

        Count(EndpointKey(context, pattern));
        var decision = _limiter.Acquire(operation.IsSearch, now);
        if (!operation.IsSearch)
        {
            AddRateHeaders(context, decision);
        }

        if (decision.Verdict != RateLimitVerdict.Allowed)
        {
            CountRateLimit(decision.Verdict);
            var refusal = decision.Verdict switch
            {
                RateLimitVerdict.Daily => HubSpotErrors.Daily(correlationId),
                RateLimitVerdict.SearchSecondly => HubSpotErrors.Secondly(correlationId),
                _ => HubSpotErrors.TenSecondly(correlationId),
            };
            await WriteAsync(context, now, body, new ApiResult(429, refusal)).ConfigureAwait(false);
            return;
        }

        var fault = _faults.Draw(context.Request.Path.Value ?? string.Empty, operation.IsWrite);
        if (_faults.Latency > TimeSpan.Zero && !await DelayAsync(_faults.Latency, context).ConfigureAwait(false))
        {
            Abandon(context, now, body);
            return;
        }

        switch (fault)
        {
            case FaultKind.ServerError:
                await WriteAsync(context, now, body, ServerError(correlationId)).ConfigureAwait(false);
                return;
            case FaultKind.Timeout:
                if (await DelayAsync(_faults.TimeoutDelay, context).ConfigureAwait(false))
                {
                    await WriteAsync(context, now, body, new ApiResult(504, HubSpotErrors.Body("GATEWAY_TIMEOUT", "The request timed out.", correlationId))).ConfigureAwait(false);
                }
                else
                {
                    Abandon(context, now, body);
                }

                return;
            case FaultKind.RateLimit:
                CountRateLimit(RateLimitVerdict.TenSecondly);
                await WriteAsync(context, now, body, new ApiResult(429, HubSpotErrors.TenSecondly(correlationId))).ConfigureAwait(false);
                return;
        }

        var result = Run(operation, new ApiRequest(context, body, now), correlationId);
        if (fault == FaultKind.LostResponse)
        {
            // The write happened; the client only learns that something went wrong.
            result = new ApiResult(500, HubSpotErrors.Body("INTERNAL_ERROR", "An internal error occurred.", correlationId));
        }

        await WriteAsync(context, now, body, result).ConfigureAwait(false);
    }

    /// <summary>A path the simulator does not serve: logged and answered 404, counted toward nothing.</summary>
    public async Task HandleUnmatchedAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var correlationId = Guid.NewGuid().ToString();
        context.Response.Headers["X-HubSpot-Correlation-Id"] = correlationId;
        var message = $"The simulator does not serve {context.Request.Method} {context.Request.Path}.";
        await WriteAsync(context, _time.GetUtcNow(), body, new ApiResult(404, HubSpotErrors.Body("NOT_FOUND", message, correlationId))).ConfigureAwait(false);
    }

    private static ApiResult Run(HubSpotOperation operation, ApiRequest request, string correlationId)
    {
        try
        {
            return operation.Handler(request);
        }
        catch (HubSpotApiException ex)
        {
            return new ApiResult(ex.Status, HubSpotErrors.Body(ex, correlationId));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A simulator bug should reach the test as a loud 500 naming it, not as a dropped connection.
            return new ApiResult(500, HubSpotErrors.Body("INTERNAL_ERROR", $"Simulator error: {ex}", correlationId));
        }
    }

    // HubSpot answers 502 and 503 from its edge; alternate so clients see both.
    private ApiResult ServerError(string correlationId)
    {
        int count;
        lock (_gate)
        {
            count = _serverErrors++;
        }

        return count % 2 == 0
            ? new ApiResult(503, HubSpotErrors.Body("SERVICE_UNAVAILABLE", "Service Unavailable", correlationId))
            : new ApiResult(502, HubSpotErrors.Body("BAD_GATEWAY", "Bad Gateway", correlationId));
    }

    private bool IsAuthorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = header[Scheme.Length..].Trim();
        lock (_gate)
        {
            return _tokens.Contains(token);
        }
    }

    private static void AddRateHeaders(HttpContext context, RateLimitDecision decision)
    {
        var headers = context.Response.Headers;
        headers["X-HubSpot-RateLimit-Daily"] = decision.DailyLimit.ToString(CultureInfo.InvariantCulture);
        headers["X-HubSpot-RateLimit-Daily-Remaining"] = decision.DailyRemaining.ToString(CultureInfo.InvariantCulture);
        headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = HubSpotRateLimiter.IntervalMilliseconds.ToString(CultureInfo.InvariantCulture);
        headers["X-HubSpot-RateLimit-Max"] = decision.BurstMax.ToString(CultureInfo.InvariantCulture);
        headers["X-HubSpot-RateLimit-Remaining"] = decision.BurstRemaining.ToString(CultureInfo.InvariantCulture);
    }

    private void CountRateLimit(RateLimitVerdict verdict)
    {
        lock (_gate)
        {
            _rateLimited++;
            switch (verdict)
            {
                case RateLimitVerdict.Daily: _dailyLimited++; break;
                case RateLimitVerdict.SearchSecondly: _searchLimited++; break;
                default: _burstLimited++; break;
            }
        }
    }

    private void Count(string key)
    {
        lock (_gate)
        {
            _calls[key] = _calls.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>The route with its object types filled in and its ids left as placeholders: <c>PATCH /crm/v3/objects/contacts/{id}</c>.</summary>
    private static string EndpointKey(HttpContext context, string pattern)
    {
        var key = pattern;
        foreach (var name in (string[])["type", "fromType", "toType"])
        {
            if (context.Request.RouteValues[name] is string raw)
            {
                key = key.Replace("{" + name + "}", HubSpotObjectTypes.Normalize(raw) ?? raw, StringComparison.Ordinal);
            }
        }

        return context.Request.Method + " " + key;
    }

    /// <summary>Ends held requests (timeouts, latency) so that stopping the server does not wait for them.</summary>
    public void Shutdown() => _shutdown.Cancel();

    private async Task<bool> DelayAsync(TimeSpan delay, HttpContext context)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
        try
        {
            await Task.Delay(delay, _time, either.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            return false;
        }
    }

    // The client gave up or the simulator is stopping: drop the connection rather than let an empty 200 out.
    private void Abandon(HttpContext context, DateTimeOffset at, string body)
    {
        Log(context, at, body, 499);
        context.Abort();
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private async Task WriteAsync(HttpContext context, DateTimeOffset at, string requestBody, ApiResult result)
    {
        Log(context, at, requestBody, result.Status);
        context.Response.StatusCode = result.Status;
        if (result.Body is JsonNode json)
        {
            context.Response.ContentType = JsonContentType;
            var bytes = Encoding.UTF8.GetBytes(json.ToJsonString(HubSpotErrors.CompactJson));
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private void Log(HttpContext context, DateTimeOffset at, string body, int status)
    {
        if (_maxLogged == 0)
        {
            return;
        }

        var request = context.Request;
        var entry = new HubSpotLoggedRequest(
            at,
            request.Method,
            request.Path.Value ?? string.Empty,
            request.QueryString.Value ?? string.Empty,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            status);
        lock (_gate)
        {
            _log.Enqueue(entry);
            while (_log.Count > _maxLogged)
            {
                _log.Dequeue();
            }
        }
    }
}
