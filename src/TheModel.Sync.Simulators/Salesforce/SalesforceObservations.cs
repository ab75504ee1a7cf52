namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>One record written through the API, with the <c>Sforce-Auto-Assign</c> value in force for it.</summary>
/// <param name="SObject">The sObject written.</param>
/// <param name="RecordId">Its 18-character id.</param>
/// <param name="HeaderValue">The header as sent (the subrequest's own, else the top-level request's); null when absent.</param>
/// <param name="RuleRan">Whether the org's assignment rule ran and set the owner (Lead/Account, header not FALSE, a rule configured).</param>
/// <param name="OwnerIdSent">The OwnerId in the request body, as sent; null when none was sent.</param>
/// <param name="OwnerIdAfter">The record's OwnerId after the write.</param>
/// <param name="IsCreate">Create (or upsert that created) rather than update.</param>
public sealed record AutoAssignObservation(
    string SObject,
    string RecordId,
    string? HeaderValue,
    bool RuleRan,
    string? OwnerIdSent,
    string? OwnerIdAfter,
    bool IsCreate);

/// <summary>One request the simulator answered: a top-level HTTP request or a Composite subrequest.</summary>
/// <param name="At">When it arrived (the simulator's clock).</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path with query string, e.g. <c>/services/data/v62.0/query?q=...</c> (decoded).</param>
/// <param name="Headers">Request headers; for a subrequest, its own <c>httpHeaders</c> over the top-level ones. Authorization is redacted.</param>
/// <param name="Body">The body text (form secrets and assertions redacted); for a subrequest, its body after reference substitution.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="ReferenceId">The Composite <c>referenceId</c> of a subrequest; null for top-level requests.</param>
public sealed record SimulatedRequest(
    DateTimeOffset At,
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int Status,
    string? ReferenceId)
{
    public bool IsSubrequest => ReferenceId is not null;

    /// <summary>A header by name, ignoring case; null when absent.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>Counters of the Outbound Message sender.</summary>
/// <param name="MessagesPosted">SOAP messages POSTed, successful or not (duplicates included).</param>
/// <param name="NotificationsDelivered">Distinct notifications acknowledged.</param>
/// <param name="DuplicatesDelivered">Notifications acknowledged again as deliberate duplicates.</param>
/// <param name="FailedAttempts">Messages answered with anything but HTTP 200 and <c>Ack</c> true (or not answered).</param>
/// <param name="Retries">Notification sends after the first (one per notification per retried message).</param>
/// <param name="Pending">Notifications queued and not yet acknowledged (duplicates to come included).</param>
/// <param name="Dropped">Notifications given up after the maximum age.</param>
public sealed record OutboundStats(
    int MessagesPosted,
    int NotificationsDelivered,
    int DuplicatesDelivered,
    int FailedAttempts,
    int Retries,
    int Pending,
    int Dropped);
