using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TheModel.Sync.Simulators.Faults;
using TheModel.Sync.Simulators.Salesforce.Outbound;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>
/// A stateful, in-process Salesforce org behind a real HTTP server on 127.0.0.1: the OAuth token endpoint, REST query
/// and queryMore, sObject rows, sObject Collections and Composite, with the vendor's limits, error shapes, assignment
/// rules and Outbound Messages (facts file Part 1 and the Part 3 checklist). Tests seed and inspect the org through
/// the public methods; faults come from <see cref="Faults"/>.
/// </summary>
public sealed class SalesforceSimulator : IAsyncDisposable
{
    private const string JsonContentType = "application/json;charset=UTF-8";

    private readonly SalesforceSimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly SalesforceOrg _org;
    private readonly SalesforceTokens _tokens;
    private readonly ApiUsageCounter _usage;
    private readonly SalesforceRestApi _api;
    private readonly OutboundMessenger? _messenger;
    private readonly ConcurrentDictionary<string, int> _endpointCounts = new(StringComparer.Ordinal);
    private readonly Lock _logGate = new();
    private readonly Queue<SimulatedRequest> _requests = new();
    private WebApplication? _app;
    private Uri? _baseUrl;
    private int _tokenCalls;

    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem with its value.</exception>
    public SalesforceSimulator(SalesforceSimulatorOptions? options = null)
    {
        _options = options ?? new SalesforceSimulatorOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid SalesforceSimulatorOptions:\n- " + string.Join("\n- ", errors), nameof(options));
        }

        _time = _options.TimeProvider;
        _usage = new ApiUsageCounter(_options.DailyApiLimit);
        _org = new SalesforceOrg(_options, OnRecordChanged);
        _tokens = new SalesforceTokens(_options);
        _api = new SalesforceRestApi(_org, _options.ApiVersion, Faults, _usage, CountEndpoint, LogSubrequest);
        OutboundActionId = _org.NewId("04k");
        if (_options.OutboundEndpoint is { } endpoint)
        {
            _messenger = new OutboundMessenger(_options, endpoint, BuildEnvelope);
        }
    }

    /// <summary>The instance URL, e.g. <c>http://127.0.0.1:51234/</c>; it is also the token endpoint's host.</summary>
    /// <exception cref="InvalidOperationException">Before <see cref="StartAsync"/>.</exception>
    public Uri BaseUrl => _baseUrl ?? throw new InvalidOperationException("Call StartAsync before reading BaseUrl.");

    /// <summary><c>{BaseUrl}services/oauth2/token</c>.</summary>
    public Uri TokenUrl => new(BaseUrl, "services/oauth2/token");

    public string ApiVersion => _options.ApiVersion;

    /// <summary>The org's 18-character id (<c>00D…</c>).</summary>
    public string OrganizationId => _org.OrganizationId;

    /// <summary>The user the API acts as; the default owner of records the API creates without an OwnerId.</summary>
    public string IntegrationUserId => _org.IntegrationUserId;

    /// <summary>The user behind seeded records and <see cref="Touch"/> changes.</summary>
    public string AdminUserId => _org.AdminUserId;

    /// <summary>The <c>04k…</c> ActionId of the configured Outbound Message.</summary>
    public string OutboundActionId { get; }

    /// <summary>Faults to inject; shared by every request. Lock-row faults apply per written record.</summary>
    public FaultPlan Faults { get; } = new();

    /// <summary>The user or queue the assignment rule gives Leads and Accounts; null turns the rule off. May change at any time.</summary>
    public string? AssignmentRuleOwnerId
    {
        get
        {
            lock (_org.Gate)
            {
                return _org.AssignmentRuleOwnerId;
            }
        }

        set
        {
            string? canonical = null;
            if (value is not null && !Core.Model.SalesforceIds.TryCanonical(value, out canonical))
            {
                throw new ArgumentException($"AssignmentRuleOwnerId must be a 15- or 18-character id, was '{value}'.", nameof(value));
            }

            lock (_org.Gate)
            {
                _org.AssignmentRuleOwnerId = canonical;
            }
        }
    }

    /// <summary>API calls counted against the daily allocation (a Composite counts one; token calls count none).</summary>
    public long ApiCallsUsed => _usage.Used;

    public long DailyApiLimit => _usage.Limit;

    /// <summary>Requests to the token endpoint, successful or not.</summary>
    public int TokenCalls => Volatile.Read(ref _tokenCalls);

    /// <summary>
    /// Calls per endpoint, keyed <c>"METHOD template"</c>: <c>POST oauth2/token</c>, <c>GET query</c>, <c>GET query/{locator}</c>,
    /// <c>PATCH sobjects/Lead/{id}</c>, <c>POST composite/sobjects</c>, <c>PATCH composite/sobjects/Task/TheModel_Key__c</c>,
    /// <c>POST composite</c>, ... Composite subrequests are counted under their own endpoint too.
    /// </summary>
    public IReadOnlyDictionary<string, int> EndpointCounts => new Dictionary<string, int>(_endpointCounts, StringComparer.Ordinal);

    /// <summary>The requests answered so far, oldest first (top-level requests and Composite subrequests).</summary>
    public IReadOnlyList<SimulatedRequest> Requests
    {
        get
        {
            lock (_logGate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every record written through the API with the <c>Sforce-Auto-Assign</c> value in force for it.</summary>
    public IReadOnlyList<AutoAssignObservation> AutoAssignments
    {
        get
        {
            lock (_org.Gate)
            {
                return [.. _org.Assignments];
            }
        }
    }

    /// <summary>Counters of the Outbound Message sender (all zero when none is configured).</summary>
    public OutboundStats Outbound => _messenger?.Stats ?? new OutboundStats(0, 0, 0, 0, 0, 0, 0);

    public int CountOf(string endpoint) => _endpointCounts.GetValueOrDefault(endpoint);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The simulator is already started.");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SalesforceSimulator).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, _options.Port);

            // Salesforce takes request URIs up to 16,384 bytes (long SOQL reads by id); Kestrel's default line is 8 KB.
            kestrel.Limits.MaxRequestLineSize = 32 * 1024;
        });
        var app = builder.Build();
        app.MapPost("/services/oauth2/token", HandleTokenAsync);
        app.Map("/services/data", HandleDataAsync);
        app.Map("/services/data/{**rest}", HandleDataAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        _baseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
        _messenger?.Start();
    }

    // ---- seeding and inspection ----

    /// <summary>
    /// Stores a record as an admin would (no API validation), returning its 18-character id. CreatedDate, LastModifiedDate
    /// and SystemModstamp default to now (whole seconds); Id and the dates may be given. Sends the Outbound Message.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown sObject or field, a value of the wrong type, or a duplicate external id.</exception>
    public string Insert(string sobject, IReadOnlyDictionary<string, object?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        lock (_org.Gate)
        {
            return _org.Insert(sobject, fields);
        }
    }

    /// <summary>Adds a user; the last word of <paramref name="name"/> is the LastName.</summary>
    public string AddUser(string name, string? email = null, bool isActive = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var space = name.Trim().LastIndexOf(' ');
        var username = email ?? name.Trim().Replace(' ', '.').ToLowerInvariant() + "@themodel.example";
        return Insert(SObjectSchema.User, new Dictionary<string, object?>
        {
            ["FirstName"] = space > 0 ? name.Trim()[..space] : null,
            ["LastName"] = space > 0 ? name.Trim()[(space + 1)..] : name.Trim(),
            ["Email"] = email,
            ["Username"] = username,
            ["IsActive"] = isActive,
        });
    }

    /// <summary>Adds a queue: a Group with Type = 'Queue', which may own Leads.</summary>
    public string AddQueue(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Insert(SObjectSchema.Group, new Dictionary<string, object?>
        {
            ["Name"] = name,
            ["DeveloperName"] = name.Replace(' ', '_'),
            ["Type"] = "Queue",
        });
    }

    /// <summary>A copy of a record's fields (deleted records too, with IsDeleted = true); null when there is none of that type.</summary>
    public IReadOnlyDictionary<string, object?>? Get(string sobject, string id)
    {
        lock (_org.Gate)
        {
            var record = _org.Find(id);
            return record is null || record.Type != _org.RequireObject(sobject) ? null : SalesforceOrg.Snapshot(record);
        }
    }

    /// <summary>Copies of every live (not deleted) record of an sObject, in creation order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> All(string sobject)
    {
        lock (_org.Gate)
        {
            return [.. _org.Records(_org.RequireObject(sobject)).Where(r => !r.IsDeleted).Select(SalesforceOrg.Snapshot)];
        }
    }

    /// <summary>A change "made by a user in the UI": sets the fields, moves SystemModstamp and sends the Outbound Message.</summary>
    public void Touch(string sobject, string id, IReadOnlyDictionary<string, object?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        lock (_org.Gate)
        {
            _org.Touch(sobject, id, fields);
        }
    }

    /// <summary>Moves a record to the recycle bin: the API then answers 404 <c>ENTITY_IS_DELETED</c> for it.</summary>
    public void Delete(string sobject, string id)
    {
        lock (_org.Gate)
        {
            _org.Delete(sobject, id);
        }
    }

    /// <summary>Ends every session: the next REST call with an old token gets 401 <c>INVALID_SESSION_ID</c>.</summary>
    public void ExpireTokens() => _tokens.ExpireAll();

    /// <summary>Sets the calls used in the rolling 24 hours (reaching the limit makes the API answer 403).</summary>
    public void SetApiUsage(long used) => _usage.Set(used);

    public void ClearRequestLog()
    {
        lock (_logGate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Holds Outbound Message delivery (notifications keep queueing) until <see cref="ResumeOutbound"/>.</summary>
    public void PauseOutbound() => _messenger?.Pause();

    public void ResumeOutbound() => _messenger?.Resume();

    /// <summary>Completes when no Outbound Message is queued or in flight; the timeout is real time.</summary>
    /// <exception cref="TimeoutException">Still busy after <paramref name="timeout"/>; the message carries the counters.</exception>
    public Task WaitForOutboundIdleAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _messenger?.WaitForIdleAsync(timeout, cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_messenger is not null)
        {
            await _messenger.DisposeAsync().ConfigureAwait(false);
        }

        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _tokens.Dispose();
    }

    // ---- HTTP ----

    private async Task HandleTokenAsync(HttpContext http)
    {
        Interlocked.Increment(ref _tokenCalls);
        CountEndpoint("POST oauth2/token");
        var at = _time.GetUtcNow();
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (http.Request.HasFormContentType)
        {
            foreach (var (name, value) in await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false))
            {
                form[name] = value.ToString();
            }
        }

        var redacted = string.Join("&", form.Select(p => p.Key + "=" + (p.Key is "client_secret" or "assertion" ? "***" : p.Value)));
        var (faultKind, fault) = await ApplyFaultAsync(http, isWrite: false).ConfigureAwait(false);
        if (fault is not null)
        {
            await WriteAsync(http, fault, limitHeader: false).ConfigureAwait(false);
            Log(at, http, redacted, fault.Status);
            return;
        }

        bool userActive;
        lock (_org.Gate)
        {
            userActive = _org.Find(_org.IntegrationUserId)?.Fields.GetValueOrDefault("IsActive") is true;
        }

        var instanceUrl = BaseUrl.GetLeftPart(UriPartial.Authority);
        var result = _tokens.Issue(form, http.Request.Headers.Authorization, instanceUrl, _org.OrganizationId, _org.IntegrationUserId, userActive);
        var answer = faultKind == FaultKind.LostResponse ? LostResponse() : RestResponse.Json(result.Status, result.Body);
        await WriteAsync(http, answer, limitHeader: false).ConfigureAwait(false);
        Log(at, http, redacted, answer.Status);
    }

    private async Task HandleDataAsync(HttpContext http)
    {
        var at = _time.GetUtcNow();
        var request = http.Request;
        string rawBody;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            rawBody = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        }

        var response = await AnswerDataAsync(http, rawBody).ConfigureAwait(false);
        if (response is null)
        {
            return;
        }

        var isVersionsRoot = (request.Path.Value ?? string.Empty).TrimEnd('/') == "/services/data";
        await WriteAsync(http, response, limitHeader: !isVersionsRoot).ConfigureAwait(false);
        Log(at, http, rawBody, response.Status);
    }

    /// <summary>The answer to one data request, or null when the client went away while it was held.</summary>
    private async Task<RestResponse?> AnswerDataAsync(HttpContext http, string rawBody)
    {
        var request = http.Request;
        var path = (request.Path.Value ?? string.Empty).TrimEnd('/');
        var rest = path.Length > "/services/data".Length ? path["/services/data/".Length..] : string.Empty;
        if (rest.Length == 0)
        {
            return request.Method == "GET" ? Versions() : RestResponse.Error(405, "METHOD_NOT_ALLOWED", $"HTTP Method '{request.Method}' not allowed. Allowed are GET");
        }

        var segments = rest.Split('/');
        if (segments[0] != _options.ApiVersion)
        {
            return RestResponse.Error(404, "NOT_FOUND", "The requested resource does not exist");
        }

        var userId = _tokens.Authenticate(request.Headers.Authorization);
        if (userId is null)
        {
            return RestResponse.Json(401, new JsonArray(new JsonObject { ["message"] = "Session expired or invalid", ["errorCode"] = "INVALID_SESSION_ID" }));
        }

        if (_usage.Used >= _usage.Limit)
        {
            return RestResponse.Json(403, new JsonArray(new JsonObject { ["message"] = "TotalRequests Limit exceeded.", ["errorCode"] = "REQUEST_LIMIT_EXCEEDED" }));
        }

        var isWrite = request.Method is not ("GET" or "HEAD");
        FaultKind fault;
        try
        {
            var (kind, faultResponse) = await ApplyFaultAsync(http, isWrite).ConfigureAwait(false);
            if (faultResponse is not null)
            {
                return faultResponse;
            }

            fault = kind;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return null;
        }

        _usage.Increment();
        JsonNode? body = null;
        if (rawBody.Length > 0)
        {
            try
            {
                body = JsonNode.Parse(rawBody);
            }
            catch (JsonException e)
            {
                return RestResponse.Error(400, "JSON_PARSER_ERROR", $"The request body is not valid JSON: {e.Message}");
            }
        }

        var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var restRequest = new RestRequest(request.Method, segments[1..], query, headers, body);
        RestResponse response;
        lock (_org.Gate)
        {
            _org.Begin();
            try
            {
                response = _api.Dispatch(restRequest, userId, topLevel: true);
                _org.Commit();
            }
            catch
            {
                _org.Rollback();
                throw;
            }
        }

        return fault == FaultKind.LostResponse ? LostResponse() : response;
    }

    private static RestResponse LostResponse() => RestResponse.Error(500, "UNKNOWN_EXCEPTION",
        "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)");

    /// <summary>
    /// Applies the drawn fault: latency first, then 503 for server errors and rate limits (Salesforce has no 429),
    /// a held request then 503 for timeouts. A lost response is applied by the caller, then answered 500.
    /// </summary>
    private async Task<(FaultKind Kind, RestResponse? Response)> ApplyFaultAsync(HttpContext http, bool isWrite)
    {
        var kind = Faults.Draw(http.Request.Path.Value ?? string.Empty, isWrite);
        if (Faults.Latency > TimeSpan.Zero)
        {
            await Task.Delay(Faults.Latency, _time, http.RequestAborted).ConfigureAwait(false);
        }

        if (kind == FaultKind.Timeout)
        {
            await Task.Delay(Faults.TimeoutDelay, _time, http.RequestAborted).ConfigureAwait(false);
        }

        return kind is FaultKind.ServerError or FaultKind.RateLimit or FaultKind.Timeout
            ? (kind, RestResponse.Error(503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable; please try again later."))
            : (kind, null);
    }

    private RestResponse Versions()
    {
        var number = _options.ApiVersion[1..];
        return RestResponse.Json(200, new JsonArray(new JsonObject
        {
            ["label"] = _options.ApiVersion switch
            {
                "v60.0" => "Spring '24",
                "v62.0" => "Winter '25",
                "v66.0" => "Spring '26",
                _ => "Simulated",
            },
            ["url"] = $"/services/data/{_options.ApiVersion}",
            ["version"] = number,
        }));
    }

    private async Task WriteAsync(HttpContext http, RestResponse response, bool limitHeader)
    {
        var target = http.Response;
        target.StatusCode = response.Status;
        if (limitHeader)
        {
            target.Headers["Sforce-Limit-Info"] = _usage.Header;
        }

        foreach (var (name, value) in response.Headers)
        {
            target.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            target.ContentType = JsonContentType;
            await target.WriteAsync(SalesforceJson.Serialize(response.Body), http.RequestAborted).ConfigureAwait(false);
        }
    }

    private void CountEndpoint(string key) => _endpointCounts.AddOrUpdate(key, 1, (_, n) => n + 1);

    private void Log(DateTimeOffset at, HttpContext http, string body, int status)
    {
        var request = http.Request;
        var headers = request.Headers.ToDictionary(h => h.Key, h => Redact(h.Key, h.Value.ToString()), StringComparer.OrdinalIgnoreCase);
        var path = (request.Path.Value ?? string.Empty) + Uri.UnescapeDataString(request.QueryString.Value ?? string.Empty);
        Append(new SimulatedRequest(at, request.Method, path, headers, body, status, null));
    }

    private void LogSubrequest(RestRequest request, RestResponse response, string referenceId)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => Redact(h.Key, h.Value), StringComparer.OrdinalIgnoreCase);
        var query = request.Query.Count == 0 ? string.Empty : "?" + string.Join("&", request.Query.Select(q => q.Key + "=" + q.Value));
        var path = $"/services/data/{_options.ApiVersion}/{string.Join("/", request.Path)}{query}";
        Append(new SimulatedRequest(_time.GetUtcNow(), request.Method, path, headers, SalesforceJson.Serialize(request.Body), response.Status, referenceId));
    }

    private static string Redact(string header, string value) =>
        header.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && value.IndexOf(' ', StringComparison.Ordinal) is var space and > 0
            ? value[..space] + " ***"
            : value;

    private void Append(SimulatedRequest entry)
    {
        lock (_logGate)
        {
            _requests.Enqueue(entry);
            while (_requests.Count > _options.RequestLogCapacity)
            {
                _requests.Dequeue();
            }
        }
    }

    // ---- Outbound Messages ----

    /// <summary>
    /// While true, record changes queue no Outbound Message: seeding an org's history should not look like a burst
    /// of workflow activity (a real org's workflow rule is switched on after the data exists).
    /// </summary>
    public bool OutboundMuted { get; set; }

    private void OnRecordChanged(SObjectRecord record)
    {
        if (_messenger is not null && !OutboundMuted && !record.IsDeleted
            && string.Equals(record.Type.Name, _options.OutboundObject, StringComparison.OrdinalIgnoreCase))
        {
            _messenger.Enqueue(_org.NewId("04l"), record.Id);
        }
    }

    /// <summary>The SOAP message for a batch, with each record's values as they are now (facts: current values at send time).</summary>
    private string BuildEnvelope(IReadOnlyList<PendingNotification> batch)
    {
        var notifications = new List<OutboundNotificationData>();
        lock (_org.Gate)
        {
            foreach (var pending in batch)
            {
                var record = _org.Find(pending.RecordId);
                var fields = new List<KeyValuePair<string, object?>> { new("Id", pending.RecordId) };
                var type = record?.Type ?? _org.RequireObject(_options.OutboundObject);
                foreach (var name in _options.OutboundFields)
                {
                    if (type.Find(name) is { } field && field.Name != "Id")
                    {
                        fields.Add(new(field.Name, record?.Fields.GetValueOrDefault(field.Name)));
                    }
                }

                notifications.Add(new OutboundNotificationData(pending.NotificationId, type.Name, fields));
            }
        }

        var root = BaseUrl.GetLeftPart(UriPartial.Authority);
        var version = _options.ApiVersion[1..];
        var org15 = _org.OrganizationId[..15];
        return OutboundEnvelope.Build(
            _org.OrganizationId,
            OutboundActionId,
            $"{root}/services/Soap/c/{version}/{org15}",
            $"{root}/services/Soap/u/{version}/{org15}",
            notifications);
    }
}
