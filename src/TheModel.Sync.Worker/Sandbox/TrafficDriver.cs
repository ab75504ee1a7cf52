using System.Globalization;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Salesforce;

namespace TheModel.Sync.Worker.Sandbox;

/// <summary>
/// Live traffic for the sandbox, made the way people make it in a CRM (form fills, a rep's call logged, a status
/// changed, a deal lost): new inbound leads at a steady rate, alternating between the two simulated CRMs, plus touches
/// and stage changes along THE MODEL on leads made earlier, and lost deals. Each change fires the CRM's webhook or Outbound Message.
/// </summary>
internal sealed class TrafficDriver
{
    private static readonly string[] Countries = ["JP", "JP", "US", "US", "US", "GB", "DE"];
    private static readonly string[] Titles = ["CTO", "VP Engineering", "Head of Sales", "Engineering Manager", "Software Engineer", "Analyst", "Student", "CEO"];
    private static readonly string[] Companies = ["Hikari Systems", "Sakura Robotics", "Kumo Data", "Northwind Labs", "Bluebird Analytics", "Granite Cloud", "Maple Devices", "Orbit Retail", "Fuji Logistics", "Delta Health"];

    private readonly SalesforceSimulator? _salesforce;
    private readonly HubSpotSimulator? _hubSpot;
    private readonly RuleSet _rules;
    private readonly SandboxRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly CrmSchema _sfSchema;
    private readonly CrmSchema _hsSchema;
    private readonly List<(CrmKind Crm, string Id)> _created = [];
    private readonly Dictionary<(CrmKind Crm, string Id), Stage> _pending = [];
    private long _sequence;

    public TrafficDriver(SalesforceSimulator? salesforce, HubSpotSimulator? hubSpot, RuleSet rules, SandboxRecorder recorder, TimeProvider time, int seed)
    {
        _salesforce = salesforce;
        _hubSpot = hubSpot;
        _rules = rules;
        _recorder = recorder;
        _time = time;
        _random = new Random(seed);
        _sfSchema = CrmSchema.For(rules, CrmKind.Salesforce);
        _hsSchema = CrmSchema.For(rules, CrmKind.HubSpot);
    }

    public int LeadsCreated { get; private set; }

    public int Touches { get; private set; }

    public int StageChanges { get; private set; }

    public int DealsLost { get; private set; }

    /// <summary>Stage changes sent, by the stage the lead was moved to.</summary>
    public SortedDictionary<string, int> StagesSent { get; } = new(StringComparer.Ordinal);

    /// <summary>Leads recycled (moved to nurture), by the recycle reason sent with the change.</summary>
    public SortedDictionary<string, int> RecyclesSent { get; } = new(StringComparer.Ordinal);

    /// <summary>The leads this driver created, for the end-of-run check of their effects.</summary>
    public IReadOnlyList<(CrmKind Crm, string Id)> Created => _created;

    public async Task RunAsync(double leadsPerSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        const int TicksPerSecond = 10;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / TicksPerSecond), _time);
        var started = _time.GetTimestamp();
        double owed = 0;
        try
        {
            while (_time.GetElapsedTime(started) < duration && await timer.WaitForNextTickAsync(cancellationToken))
            {
                owed += leadsPerSecond / TicksPerSecond;
                while (owed >= 1)
                {
                    owed--;
                    CreateLead();

                    // Some of the earlier leads move on: a rep logs a call, or qualifies the lead; now and then a deal is lost.
                    var roll = _random.NextDouble();
                    if (roll < 0.10)
                    {
                        Touch();
                    }
                    else if (roll < 0.45)
                    {
                        Advance();
                    }
                    else if (roll < 0.47)
                    {
                        LoseDeal();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends the traffic; the run still drains and reports.
        }
    }

    private void CreateLead()
    {
        var n = ++_sequence;
        var useSalesforce = _hubSpot is null || (_salesforce is not null && n % 2 == 0);
        var company = Companies[_random.Next(Companies.Length)];
        var domain = company.ToLowerInvariant().Replace(' ', '-') + ".example";
        var now = _time.GetUtcNow();
        var demo = _random.NextDouble() < 0.6;
        var person = new Person
        {
            Id = "new",
            Email = $"lead{n}@{domain}",
            FirstName = "Lead",
            LastName = n.ToString(CultureInfo.InvariantCulture),
            Company = company,
            Title = Titles[_random.Next(Titles.Length)],
            Country = Countries[_random.Next(Countries.Length)],
            Employees = _random.Next(5, 8000),
            Source = "inbound",
            Stage = Stage.New,
            Fields = demo
                ? new Dictionary<string, Value> { ["last_form"] = Value.Of("Demo request"), ["last_form_at"] = Value.Of(now) }
                : null,
        };

        string id;
        if (useSalesforce)
        {
            var fields = CrmRecordWriter.Person(person, _sfSchema, _rules.Crms.FirstOrDefault(c => c.Crm == CrmKind.Salesforce), _rules);
            id = _salesforce!.Insert(_sfSchema.PersonObjectName, fields.ToDictionary(f => f.Key, f => (object?)f.Value));
            _recorder.Created(CrmKind.Salesforce, id);
            _created.Add((CrmKind.Salesforce, id));
        }
        else
        {
            var fields = CrmRecordWriter.Person(person, _hsSchema, _rules.Crms.FirstOrDefault(c => c.Crm == CrmKind.HubSpot), _rules);
            id = _hubSpot!.Create("contacts", fields);
            _recorder.Created(CrmKind.HubSpot, id);
            _created.Add((CrmKind.HubSpot, id));
        }

        LeadsCreated++;
    }

    private (CrmKind Crm, string Id)? PickEarlier() =>
        _created.Count < 20 ? null : _created[_random.Next(_created.Count - 10)];

    private void Touch()
    {
        if (PickEarlier() is not { } lead)
        {
            return;
        }

        var now = CrmWritePlanner.FormatTime(_time.GetUtcNow());
        if (lead.Crm == CrmKind.Salesforce)
        {
            var record = _salesforce!.Get(_sfSchema.PersonObjectName, lead.Id);
            var touches = Convert.ToInt32(record?.GetValueOrDefault(_sfSchema.PersonFields["touches"]) ?? 0, CultureInfo.InvariantCulture);
            _salesforce.Touch(_sfSchema.PersonObjectName, lead.Id, new Dictionary<string, object?>
            {
                [_sfSchema.PersonFields["touches"]] = touches + 1,
                [_sfSchema.PersonFields["last_touch_at"]] = now,
            });
        }
        else
        {
            var record = _hubSpot!.Get("contacts", lead.Id);
            var touches = int.TryParse(record?[_hsSchema.PersonFields["touches"]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : 0;
            _hubSpot.Touch("contacts", lead.Id, new Dictionary<string, string?>
            {
                [_hsSchema.PersonFields["touches"]] = (touches + 1).ToString(CultureInfo.InvariantCulture),
                [_hsSchema.PersonFields["last_touch_at"]] = now,
            });
        }

        Touches++;
    }

    /// <summary>
    /// Moves one of this run's leads one step along THE MODEL the way reps do in the CRM: a contacted lead is worked,
    /// a worked one qualified or recycled, a qualified one won or lost, junk disqualified. Only a lead whose last
    /// change the worker has already seen is moved, so every change sent is observed by a decision and the report of
    /// the run's decision log can be checked against <see cref="StagesSent"/> and <see cref="RecyclesSent"/>.
    /// </summary>
    private void Advance()
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (PickEarlier() is not { } lead)
            {
                return;
            }

            var last = _recorder.LastDecision(lead.Crm, lead.Id);
            if (last is null || (_pending.TryGetValue(lead, out var pending) && last.Stage != pending && last.Before.Stage != pending))
            {
                continue;
            }

            _pending.Remove(lead);
            var roll = _random.NextDouble();
            (Stage To, string? Reason)? move = last.Stage switch
            {
                Stage.New when roll < 0.3 => (Stage.Disqualified, null),
                Stage.Mql when roll < 0.7 => (Stage.Working, null),
                Stage.Mql when roll < 0.9 => (Stage.Nurture, "timing"),
                Stage.Mql => (Stage.Disqualified, null),
                Stage.Working when roll < 0.55 => (Stage.Sql, null),
                Stage.Working => (Stage.Nurture, "budget"),
                Stage.Sql when roll < 0.35 => (Stage.Customer, null),
                Stage.Sql when roll < 0.55 => (Stage.Nurture, "lost"),
                _ => null,
            };
            if (move is not { } m || !Send(lead, m.To, m.Reason))
            {
                continue;
            }

            _pending[lead] = m.To;
            StageChanges++;
            StagesSent[m.To.Name()] = StagesSent.GetValueOrDefault(m.To.Name()) + 1;
            if (m.Reason is not null)
            {
                RecyclesSent[m.Reason] = RecyclesSent.GetValueOrDefault(m.Reason) + 1;
            }

            return;
        }
    }

    private bool Send((CrmKind Crm, string Id) lead, Stage to, string? reason)
    {
        var mapping = _rules.Crms.FirstOrDefault(c => c.Crm == lead.Crm);
        var values = mapping?.Stages.FirstOrDefault(s => s.Stage == to).Values;
        if (values is null || values.Count == 0)
        {
            // The CRM cannot represent the stage (a Salesforce Lead has no customer status).
            return false;
        }

        var schema = lead.Crm == CrmKind.Salesforce ? _sfSchema : _hsSchema;
        var changes = values.ToDictionary(v => v.Key, v => (string?)v.Value, StringComparer.Ordinal);
        if (reason is not null && schema.PersonFields.TryGetValue("recycle_reason", out var reasonField))
        {
            changes[reasonField] = reason;
        }

        if (lead.Crm == CrmKind.Salesforce)
        {
            _salesforce!.Touch(_sfSchema.PersonObjectName, lead.Id, changes.ToDictionary(v => v.Key, v => (object?)v.Value));
        }
        else
        {
            _hubSpot!.Touch("contacts", lead.Id, changes);
        }

        return true;
    }

    /// <summary>Why a deal was lost: mostly reasons the sample's closed-lost rule recycles (timing, budget), sometimes not.</summary>
    private string LossReason() => LossReasons[_random.Next(LossReasons.Length)];

    private static readonly string[] LossReasons = ["timing", "timing", "budget", "competitor", "no_decision"];

    private void LoseDeal()
    {
        if (_salesforce is not null && _random.Next(2) == 0)
        {
            var open = _salesforce.All("Opportunity").FirstOrDefault(o => !Equals(o.GetValueOrDefault("IsClosed"), true));
            if (open is not null && open.GetValueOrDefault("Id") is string id)
            {
                _salesforce.Touch("Opportunity", id, new Dictionary<string, object?>
                {
                    ["StageName"] = "Closed Lost",
                    ["CloseDate"] = _time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    [_sfSchema.OpportunityFields["loss_reason"]] = LossReason(),
                });
                DealsLost++;
            }
        }
        else if (_hubSpot is not null)
        {
            var open = _hubSpot.All("deals").FirstOrDefault(d => d["hs_is_closed"] != "true");
            if (open is not null)
            {
                _hubSpot.Touch("deals", open.Id, new Dictionary<string, string?>
                {
                    ["dealstage"] = "closedlost",
                    ["closedate"] = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                    [_hsSchema.OpportunityFields["loss_reason"]] = LossReason(),
                });
                DealsLost++;
            }
        }
    }
}
