namespace TheModel.Sync.HubSpot.Budget;

/// <summary>
/// Thrown instead of sending a call while the daily budget is paused (and by the call that drew HubSpot's DAILY 429).
/// Waiting is not an option: the allocation renews at midnight in the account's time zone, hours away. Callers check
/// <c>ICrmConnector.Budget.Paused</c> and try again later; <see cref="NextProbeAt"/> says when a call may next go out.
/// </summary>
internal sealed class HubSpotBudgetPausedException(string reason, DateTimeOffset nextProbeAt)
    : Exception($"HubSpot calls are paused: {reason}. A call at or after {nextProbeAt:O} checks whether the daily allocation has been renewed.")
{
    public string Reason { get; } = reason;

    public DateTimeOffset NextProbeAt { get; } = nextProbeAt;
}
