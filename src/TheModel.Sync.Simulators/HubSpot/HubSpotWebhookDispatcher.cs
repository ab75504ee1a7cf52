using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>One event as HubSpot sends it (facts H-7); <c>attemptNumber</c> is added per request.</summary>
internal sealed record WebhookEvent(
    long EventId,
    long SubscriptionId,
    long OccurredAt,
    string SubscriptionType,
    long ObjectId,
    string? PropertyName,
    string? PropertyValue,
    string ChangeSource,
    string SourceId,
    string? ChangeFlag,
    string? AssociationType = null,
    long? FromObjectId = null,
    long? ToObjectId = null,
    bool? IsPrimaryAssociation = null);

/// <summary>The events of one request and how many times it has been tried.</summary>
internal sealed record WebhookBatch(IReadOnlyList<WebhookEvent> Events, int Attempt, bool IsDuplicate);

/// <summary>
/// Turns portal changes into webhook events for the configured subscriptions and POSTs them, signed, to the
/// target URL: up to 100 per request, a bounded number in flight, retried with a growing, jittered delay while the
/// target answers non-2xx, fails to connect or takes longer than the timeout. Optionally shuffles and duplicates.
/// </summary>
internal sealed class HubSpotWebhookDispatcher : IHubSpotChangeSink, IAsyncDisposable
{
    private const int MaxLoggedDeliveries = 10_000;

    private readonly HubSpotWebhookOptions _options;
    private readonly long _portalId;
    private readonly long _appId;
    private readonly TimeProvider _time;
    private readonly Func<HttpClient> _client;
    private readonly Lock _gate = new();
    private readonly List<WebhookEvent> _raised = [];
    private readonly List<WebhookEvent> _newEvents = [];
    private readonly List<WebhookBatch> _ready = [];
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private readonly Queue<HubSpotWebhookDelivery> _deliveries = new();
    private readonly HashSet<Task> _running = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Random _random;
    private Uri? _target;
    private Task? _loop;
    private bool _disposed;
    private long _nextEventId = 100;
    private int _batchesOutstanding;
    private int _requests;
    private int _eventsDelivered;
    private int _failedAttempts;
    private int _retries;
    private int _duplicates;
    private int _abandoned;

    public HubSpotWebhookDispatcher(HubSpotWebhookOptions options, long portalId, long appId, TimeProvider time, Func<HttpClient> client)
    {
        _options = options;
        _portalId = portalId;
        _appId = appId;
        _time = time;
        _client = client;
        _target = options.TargetUrl;
        _slots = new SemaphoreSlim(options.MaxConcurrentRequests);
        _random = new Random(options.Seed);
    }

    public Uri? Target
    {
        get
        {
            lock (_gate)
            {
                return _target;
            }
        }

        set
        {
            lock (_gate)
            {
                _target = value;
                if (_disposed)
                {
                    return;
                }
            }

            _wake.Release();
        }
    }

    public (int Requests, int Delivered, int FailedAttempts, int Retries, int Duplicates, int Abandoned) Counters
    {
        get
        {
            lock (_gate)
            {
                return (_requests, _eventsDelivered, _failedAttempts, _retries, _duplicates, _abandoned);
            }
        }
    }

    public IReadOnlyList<HubSpotWebhookDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    public void Start() => _loop = RunAsync(_stopping.Token);

    public void ObjectCreated(StoredObject record, ChangeOrigin origin, DateTimeOffset at) =>
        Raise(record.Type, ".creation", null, origin, subscription => Event(subscription, record, at, origin) with { ChangeFlag = "NEW" });

    public void PropertyChanged(StoredObject record, string property, string? value, ChangeOrigin origin, DateTimeOffset at) =>
        Raise(record.Type, ".propertyChange", property, origin, subscription => Event(subscription, record, at, origin) with
        {
            PropertyName = property,
            PropertyValue = value ?? string.Empty,
        });

    public void ObjectArchived(StoredObject record, ChangeOrigin origin, DateTimeOffset at) =>
        Raise(record.Type, ".deletion", null, origin, subscription => Event(subscription, record, at, origin));

    public void AssociationAdded(HubSpotAssociation association, ChangeOrigin origin, DateTimeOffset at)
    {
        var fromId = long.Parse(association.FromId, CultureInfo.InvariantCulture);
        var toId = long.Parse(association.ToId, CultureInfo.InvariantCulture);
        Raise(association.FromType, ".associationChange", null, origin, subscription => new WebhookEvent(
            0,
            subscription.Id,
            at.ToUnixTimeMilliseconds(),
            subscription.SubscriptionType,
            fromId,
            null,
            null,
            ChangeSource(origin),
            SourceId(origin),
            null,
            $"{HubSpotObjectTypes.Singular(association.FromType)}_TO_{HubSpotObjectTypes.Singular(association.ToType)}".ToUpperInvariant(),
            fromId,
            toId,
            association.TypeId is HubSpotAssociationTypes.PrimaryContactToCompany or HubSpotAssociationTypes.PrimaryDealToCompany));
    }

    /// <summary>Completes when no event waits, no request is in flight and none waits to be retried.</summary>
    public async Task WaitForIdleAsync(TimeSpan timeout)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (IsIdleLocked())
            {
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
        }

        try
        {
            // Wall-clock on purpose: a test on a fake clock that forgets to advance it should fail, not hang.
            await waiter.Task.WaitAsync(timeout, TimeProvider.System).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _idleWaiters.Remove(waiter);
                throw new TimeoutException(
                    $"Webhook deliveries still pending after {timeout}: {_newEvents.Count} events not yet sent, {_batchesOutstanding} requests in flight or waiting to retry, target {_target?.ToString() ?? "(not set)"}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        // Sends start retries as they finish, so wait until nothing is left rather than for one snapshot.
        while (true)
        {
            Task[] running;
            lock (_gate)
            {
                running = [.. _running.Where(t => !t.IsCompleted)];
            }

            if (running.Length == 0)
            {
                break;
            }

            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping cancels whatever was in flight or waiting; those deliveries are simply not made.
            }
        }

        _stopping.Dispose();
        _wake.Dispose();
        _slots.Dispose();
    }

    private void Raise(string type, string action, string? property, ChangeOrigin origin, Func<HubSpotWebhookSubscription, WebhookEvent> build)
    {
        if ((origin == ChangeOrigin.Api && !_options.EmitForApiChanges) || HubSpotObjectTypes.WebhookName(type) is not { } prefix)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var subscription in _options.Subscriptions)
            {
                if (subscription.SubscriptionType == prefix + action && (property is null || subscription.PropertyName == property))
                {
                    _raised.Add(build(subscription) with { EventId = _nextEventId++ });
                }
            }
        }
    }

    /// <summary>Makes the events raised so far available to the sender; the portal calls this once per operation.</summary>
    public void Publish()
    {
        lock (_gate)
        {
            if (_raised.Count == 0 || _disposed)
            {
                return;
            }

            _newEvents.AddRange(_raised);
            _raised.Clear();
        }

        _wake.Release();
    }

    private WebhookEvent Event(HubSpotWebhookSubscription subscription, StoredObject record, DateTimeOffset at, ChangeOrigin origin) => new(
        0,
        subscription.Id,
        at.ToUnixTimeMilliseconds(),
        subscription.SubscriptionType,
        record.Id,
        null,
        null,
        ChangeSource(origin),
        SourceId(origin),
        null);

    private static string ChangeSource(ChangeOrigin origin) => origin == ChangeOrigin.Ui ? "CRM_UI" : "INTEGRATION";

    private string SourceId(ChangeOrigin origin) => origin == ChangeOrigin.Ui ? _options.UiSourceId : _appId.ToString(CultureInfo.InvariantCulture);

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _wake.WaitAsync(ct).ConfigureAwait(false);
                while (TryTake(out var batch, out var target))
                {
                    await _slots.WaitAsync(ct).ConfigureAwait(false);
                    Track(SendAsync(batch, target, ct));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private bool TryTake(out WebhookBatch batch, out Uri target)
    {
        lock (_gate)
        {
            batch = null!;
            target = _target!;
            if (_target is null)
            {
                return false;
            }

            if (_ready.Count > 0)
            {
                var index = _options.ShuffleOrder ? _random.Next(_ready.Count) : 0;
                batch = _ready[index];
                _ready.RemoveAt(index);
                return true;
            }

            if (_newEvents.Count == 0)
            {
                return false;
            }

            var count = Math.Min(_options.MaxEventsPerRequest, _newEvents.Count);
            var events = _newEvents.GetRange(0, count);
            _newEvents.RemoveRange(0, count);
            if (_options.ShuffleOrder)
            {
                var shuffled = events.ToArray();
                _random.Shuffle(shuffled);
                events = [.. shuffled];
            }

            batch = new WebhookBatch(events, 0, false);
            _batchesOutstanding++;
            return true;
        }
    }

    private async Task SendAsync(WebhookBatch batch, Uri target, CancellationToken ct)
    {
        try
        {
            var body = Serialize(batch);
            var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.TryAddWithoutValidation("X-HubSpot-Signature", HubSpotWebhookSigner.V1(_options.ClientSecret, body));
            request.Headers.TryAddWithoutValidation("X-HubSpot-Signature-Version", "v1");
            request.Headers.TryAddWithoutValidation("X-HubSpot-Signature-v3", HubSpotWebhookSigner.V3(_options.ClientSecret, "POST", target.AbsoluteUri, body, timestamp));
            request.Headers.TryAddWithoutValidation("X-HubSpot-Request-Timestamp", timestamp);
            var headers = request.Headers.Concat(request.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);

            int? status = null;
            HubSpotWebhookOutcome outcome;
            using var timeout = new CancellationTokenSource(_options.ResponseTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                using var response = await _client().SendAsync(request, linked.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                outcome = response.IsSuccessStatusCode ? HubSpotWebhookOutcome.Delivered : HubSpotWebhookOutcome.Rejected;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                outcome = HubSpotWebhookOutcome.TimedOut;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // HttpRequestException mostly; whatever it is, the target did not get the events.
                outcome = HubSpotWebhookOutcome.ConnectionFailed;
            }

            Finish(batch, new HubSpotWebhookDelivery(
                _time.GetUtcNow(), target, batch.Attempt, batch.Events.Count, batch.IsDuplicate, Encoding.UTF8.GetString(body), headers, status, outcome), ct);
        }
        finally
        {
            _slots.Release();
        }
    }

    private void Finish(WebhookBatch batch, HubSpotWebhookDelivery delivery, CancellationToken ct)
    {
        TimeSpan? retryAfter = null;
        lock (_gate)
        {
            _requests++;
            _deliveries.Enqueue(delivery);
            if (_deliveries.Count > MaxLoggedDeliveries)
            {
                _deliveries.Dequeue();
            }

            if (delivery.Outcome == HubSpotWebhookOutcome.Delivered)
            {
                _eventsDelivered += batch.Events.Count;
                if (!batch.IsDuplicate && _options.DuplicateRate > 0 && _random.NextDouble() < _options.DuplicateRate)
                {
                    _duplicates++;
                    _batchesOutstanding++;
                    _ready.Add(batch with { IsDuplicate = true });
                }
            }
            else
            {
                _failedAttempts++;
                if (batch.Attempt < _options.MaxRetries)
                {
                    _retries++;
                    retryAfter = Backoff(batch.Attempt);
                }
                else
                {
                    _abandoned += batch.Events.Count;
                }
            }

            if (retryAfter is null)
            {
                _batchesOutstanding--;
                SignalIfIdleLocked();
            }
        }

        if (retryAfter is { } delay)
        {
            Track(RetryLaterAsync(batch with { Attempt = batch.Attempt + 1, IsDuplicate = false }, delay, ct));
        }

        _wake.Release();
    }

    private async Task RetryLaterAsync(WebhookBatch batch, TimeSpan delay, CancellationToken ct)
    {
        await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        lock (_gate)
        {
            _ready.Add(batch);
        }

        _wake.Release();
    }

    // Caller holds the lock (the jitter draws from the shared generator).
    private TimeSpan Backoff(int failedAttempt)
    {
        var baseTicks = _options.RetryBaseDelay.Ticks * Math.Pow(2, Math.Min(failedAttempt, 30));
        var capped = Math.Min(baseTicks, _options.RetryMaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped * (1 + (0.25 * _random.NextDouble()))));
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _running.Add(task);
        }

        _ = task.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _running.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private bool IsIdleLocked() => _raised.Count == 0 && _newEvents.Count == 0 && _batchesOutstanding == 0;

    private void SignalIfIdleLocked()
    {
        if (!IsIdleLocked())
        {
            return;
        }

        foreach (var waiter in _idleWaiters)
        {
            waiter.TrySetResult();
        }

        _idleWaiters.Clear();
    }

    private byte[] Serialize(WebhookBatch batch)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var e in batch.Events)
            {
                json.WriteStartObject();
                json.WriteNumber("eventId", e.EventId);
                json.WriteNumber("subscriptionId", e.SubscriptionId);
                json.WriteNumber("portalId", _portalId);
                json.WriteNumber("appId", _appId);
                json.WriteNumber("occurredAt", e.OccurredAt);
                json.WriteString("subscriptionType", e.SubscriptionType);
                json.WriteNumber("attemptNumber", batch.Attempt);
                json.WriteNumber("objectId", e.ObjectId);
                if (e.PropertyName is not null)
                {
                    json.WriteString("propertyName", e.PropertyName);
                    json.WriteString("propertyValue", e.PropertyValue);
                }

                json.WriteString("changeSource", e.ChangeSource);
                json.WriteString("sourceId", e.SourceId);
                if (e.ChangeFlag is not null)
                {
                    json.WriteString("changeFlag", e.ChangeFlag);
                }

                if (e.AssociationType is not null)
                {
                    json.WriteString("associationType", e.AssociationType);
                    json.WriteNumber("fromObjectId", e.FromObjectId!.Value);
                    json.WriteNumber("toObjectId", e.ToObjectId!.Value);
                    json.WriteBoolean("associationRemoved", false);
                    json.WriteBoolean("isPrimaryAssociation", e.IsPrimaryAssociation ?? false);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
