using System.Net;
using System.Text;

namespace TheModel.Sync.Simulators.Salesforce.Outbound;

/// <summary>
/// The org's Outbound Message queue and its background sender (facts file S-10): queued notifications are POSTed up
/// to 100 per SOAP message; a message counts as delivered only on HTTP 200 with <c>Ack</c> true, otherwise each of
/// its notifications is retried with exponential backoff (driven by the options' clock, capped) until it is older
/// than the maximum age. Options can shuffle the sending order and queue deliberate duplicates.
/// </summary>
internal sealed class OutboundMessenger : IAsyncDisposable
{
    public const int MaxNotificationsPerMessage = 100;

    private readonly SalesforceSimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _endpoint;
    private readonly Func<IReadOnlyList<PendingNotification>, string> _buildEnvelope;
    private readonly HttpMessageInvoker _http;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly List<PendingNotification> _pending = [];
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _wake;
    private Task? _loop;
    private long _sequence;
    private bool _inFlight;
    private bool _paused;
    private int _posted;
    private int _delivered;
    private int _duplicates;
    private int _failed;
    private int _retries;
    private int _dropped;

    public OutboundMessenger(SalesforceSimulatorOptions options, Uri endpoint, Func<IReadOnlyList<PendingNotification>, string> buildEnvelope)
    {
        _options = options;
        _time = options.TimeProvider;
        _endpoint = endpoint;
        _buildEnvelope = buildEnvelope;
        _random = new Random(options.Seed);
        _http = new HttpMessageInvoker(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), UseProxy = false }, disposeHandler: true);
    }

    public OutboundStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new OutboundStats(_posted, _delivered, _duplicates, _failed, _retries, _pending.Count, _dropped);
            }
        }
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Queues a notification for a record; its values are read when the message is sent.</summary>
    public void Enqueue(string notificationId, string recordId) => Add(new PendingNotification(notificationId, recordId, _time.GetUtcNow(), false));

    public void Pause()
    {
        lock (_gate)
        {
            _paused = true;
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _paused = false;
            _wake?.Cancel();
        }
    }

    /// <summary>Completes when nothing is queued or being sent; the timeout is measured in real time so fake clocks cannot stall it.</summary>
    public async Task WaitForIdleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_pending.Count == 0 && !_inFlight)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Outbound Messages were not all delivered within {timeout}: {Stats}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stopping.Dispose();
        _http.Dispose();
    }

    private void Add(PendingNotification notification)
    {
        lock (_gate)
        {
            notification.Sequence = ++_sequence;
            _pending.Add(notification);
            _wake?.Cancel();
            Changed();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            using var wake = new CancellationTokenSource();
            List<PendingNotification> batch;
            TimeSpan? wait;
            lock (_gate)
            {
                _wake = wake;
                var now = _time.GetUtcNow();
                DropExpired(now);
                batch = _paused ? [] : PickDue(now);
                _inFlight = batch.Count > 0;
                wait = batch.Count > 0 || _paused || _pending.Count == 0 ? null : _pending.Min(p => p.DueAt) - now;
            }

            try
            {
                if (batch.Count == 0)
                {
                    // Woken early by a new notification or a resume. Forced yielding keeps this loop off the thread
                    // that cancelled the wake (it may hold the org's lock).
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, wake.Token);
                    await Task.Delay(wait ?? Timeout.InfiniteTimeSpan, wait is null ? TimeProvider.System : _time, linked.Token)
                        .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
                    continue;
                }

                var acknowledged = await DeliverAsync(batch, stopping).ConfigureAwait(false);
                Settle(batch, acknowledged);
            }
            finally
            {
                lock (_gate)
                {
                    if (_wake == wake)
                    {
                        _wake = null;
                    }
                }
            }
        }
    }

    private List<PendingNotification> PickDue(DateTimeOffset now)
    {
        var due = _pending.Where(p => p.DueAt <= now).OrderBy(p => p.Sequence).ToList();
        if (_options.OutboundOutOfOrder)
        {
            _random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(due));
        }

        var batch = due.Take(MaxNotificationsPerMessage).ToList();
        _retries += batch.Count(p => p.Attempts > 0);
        return batch;
    }

    private void DropExpired(DateTimeOffset now)
    {
        _dropped += _pending.RemoveAll(p => now - p.CreatedAt >= _options.OutboundMaxAge);
    }

    private async Task<bool> DeliverAsync(List<PendingNotification> batch, CancellationToken stopping)
    {
        var envelope = _buildEnvelope(batch);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new StringContent(envelope, Encoding.UTF8, "text/xml"),
        };
        request.Headers.TryAddWithoutValidation("SOAPAction", "\"\"");
        using var attempt = new CancellationTokenSource(_options.OutboundAttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, attempt.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK && OutboundEnvelope.IsAck(body);
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Settle(List<PendingNotification> batch, bool acknowledged)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _posted++;
            if (acknowledged)
            {
                foreach (var notification in batch)
                {
                    _pending.Remove(notification);
                    if (notification.IsDuplicate)
                    {
                        _duplicates++;
                    }
                    else
                    {
                        _delivered++;
                        if (_options.OutboundDuplicateRate > 0 && _random.NextDouble() < _options.OutboundDuplicateRate)
                        {
                            // At-least-once delivery: the same notification id arrives again later, maybe in another message.
                            _pending.Add(new PendingNotification(notification.NotificationId, notification.RecordId, notification.CreatedAt, true)
                            {
                                Sequence = ++_sequence,
                            });
                        }
                    }
                }
            }
            else
            {
                _failed++;
                foreach (var notification in batch)
                {
                    notification.Attempts++;
                    notification.DueAt = now + Backoff(notification.Attempts);
                }
            }

            _inFlight = false;
            Changed();
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var delay = _options.OutboundInitialRetryDelay * Math.Pow(2, Math.Min(attempts - 1, 30));
        return delay > _options.OutboundMaxRetryDelay ? _options.OutboundMaxRetryDelay : delay;
    }

    private void Changed()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A queued notification; mutable fields change only under the messenger's lock.</summary>
internal sealed class PendingNotification(string notificationId, string recordId, DateTimeOffset createdAt, bool isDuplicate)
{
    public string NotificationId { get; } = notificationId;

    public string RecordId { get; } = recordId;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public bool IsDuplicate { get; } = isDuplicate;

    public DateTimeOffset DueAt { get; set; } = createdAt;

    public int Attempts { get; set; }

    public long Sequence { get; set; }
}
