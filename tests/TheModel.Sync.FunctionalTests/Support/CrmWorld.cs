using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using TheModel.Sync.Application.Crm;
using TheModel.Sync.Config;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;
using TheModel.Sync.Simulators.HubSpot;
using TheModel.Sync.Simulators.Salesforce;
using TheModel.Sync.Simulators.Seeding;

namespace TheModel.Sync.FunctionalTests.Support;

/// <summary>
/// Both simulated CRMs, seeded from the config the worker runs on (its members and queues as users and owners, a
/// little history), their Outbound Messages and webhooks pointed at the worker(s), and inbound leads created the way
/// people create them. Everything the tests assert is read back from here: the CRMs' final state and request logs.
/// </summary>
internal sealed class CrmWorld : IAsyncDisposable
{
    private readonly List<CreatedLead> _created = [];
    private readonly Lock _gate = new();
    private readonly Random _random = new(7);
    private long _sequence;

    private CrmWorld(RuleSet rules, SalesforceSimulator salesforce, HubSpotSimulator hubSpot, IReadOnlyList<string> settings)
    {
        Rules = rules;
        Salesforce = salesforce;
        HubSpot = hubSpot;
        WorkerSettings = settings;
        SalesforceSchema = CrmSchema.For(rules, CrmKind.Salesforce);
        HubSpotSchema = CrmSchema.For(rules, CrmKind.HubSpot);
    }

    public RuleSet Rules { get; }

    public SalesforceSimulator Salesforce { get; }

    public HubSpotSimulator HubSpot { get; }

    public CrmSchema SalesforceSchema { get; }

    public CrmSchema HubSpotSchema { get; }

    /// <summary>The <c>--Key=value</c> tokens that point a worker at these simulators.</summary>
    public IReadOnlyList<string> WorkerSettings { get; }

    public IReadOnlyList<CreatedLead> Created
    {
        get
        {
            lock (_gate)
            {
                return [.. _created];
            }
        }
    }

    /// <param name="disorderly">HubSpot delivers its webhook events shuffled and both CRMs deliver some notifications twice.</param>
    public static async Task<CrmWorld> StartAsync(string configDirectory, Uri salesforceWorker, Uri hubSpotWorker, string workDirectory, bool disorderly = false)
    {
        var loaded = ConfigLoader.Load(configDirectory);
        var rules = loaded.Config?.Rules
            ?? throw new InvalidOperationException($"the config in {configDirectory} did not load: {string.Join("; ", loaded.Diagnostics.Take(5))}");
        var now = TimeProvider.System.GetUtcNow();
        var data = SeedData.Generate(rules, 40, 10, 42, Path.Combine(workDirectory, "seed"), now);
        var clientSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var organizationId = SalesforceIds.To18("00D5g00000Funct");

        var sfOptions = new SalesforceSimulatorOptions
        {
            OrganizationId = organizationId,
            OutboundEndpoint = new Uri(salesforceWorker, "webhooks/salesforce"),

            // A killed worker answers nothing; redeliveries must come back within the test's time.
            OutboundInitialRetryDelay = TimeSpan.FromMilliseconds(500),
            OutboundMaxRetryDelay = TimeSpan.FromSeconds(3),
            AssignmentRuleOwnerId = rules.Queues.FirstOrDefault()?.SalesforceId,
            RequestLogCapacity = 200_000,
            OutboundDuplicateRate = disorderly ? 0.3 : 0,
        };
        var sfSchema = CrmSchema.For(rules, CrmKind.Salesforce);
        foreach (var field in sfSchema.PersonFields.Values.Where(f => f.EndsWith("__c", StringComparison.Ordinal) && !f.StartsWith("TheModel_", StringComparison.Ordinal)))
        {
            sfOptions.CustomFields.Add(new SalesforceCustomField(sfSchema.PersonObjectName, field, SalesforceFieldType.Text));
        }

        var salesforce = new SalesforceSimulator(sfOptions);
        var hubSpot = new HubSpotSimulator(new HubSpotSimulatorOptions
        {
            AdditionalProperties = SimulatorSeeder.HubSpotProperties(rules),
            MaxLoggedRequests = 200_000,
            Webhooks = new HubSpotWebhookOptions
            {
                TargetUrl = new Uri(hubSpotWorker, "webhooks/hubspot"),
                ClientSecret = clientSecret,
                RetryBaseDelay = TimeSpan.FromMilliseconds(500),
                RetryMaxDelay = TimeSpan.FromSeconds(3),
                ShuffleOrder = disorderly,
                DuplicateRate = disorderly ? 0.3 : 0,
                Subscriptions =
                [
                    new HubSpotWebhookSubscription(1, "contact.creation"),
                    new HubSpotWebhookSubscription(2, "contact.propertyChange", "lifecyclestage"),
                    new HubSpotWebhookSubscription(3, "contact.propertyChange", "hs_lead_status"),
                    new HubSpotWebhookSubscription(4, "deal.propertyChange", "dealstage"),
                ],
            },
        });
        await salesforce.StartAsync();
        await hubSpot.StartAsync();

        // History from before the integration was switched on fires nothing.
        salesforce.OutboundMuted = true;
        hubSpot.WebhooksMuted = true;
        SimulatorSeeder.Seed(salesforce, rules, data);
        SimulatorSeeder.Seed(hubSpot, rules, data);
        salesforce.OutboundMuted = false;
        hubSpot.WebhooksMuted = false;

        string[] settings =
        [
            $"--Salesforce:LoginUrl={salesforce.BaseUrl.ToString().TrimEnd('/')}",
            "--Salesforce:AuthFlow=ClientCredentials",
            $"--Salesforce:ClientId={sfOptions.ClientId}",
            $"--Salesforce:ClientSecret={sfOptions.ClientSecret}",
            $"--Salesforce:OrganizationId={organizationId}",
            $"--HubSpot:BaseUrl={hubSpot.BaseUrl.ToString().TrimEnd('/')}",
            $"--HubSpot:AccessToken={HubSpotSimulatorOptions.DefaultAccessToken}",
            $"--HubSpot:ClientSecret={clientSecret}",
        ];
        return new CrmWorld(rules, salesforce, hubSpot, settings);
    }

    /// <summary>Creates one inbound lead, alternating between the CRMs; its creation fires an Outbound Message or webhook.</summary>
    public CreatedLead CreateLead()
    {
        lock (_gate)
        {
            var n = ++_sequence;
            var crm = n % 2 == 0 ? CrmKind.Salesforce : CrmKind.HubSpot;
            string[] countries = ["JP", "US", "US", "GB", "DE"];
            string[] titles = ["CTO", "VP Engineering", "Head of Sales", "Software Engineer", "Analyst"];
            var person = new Person
            {
                Id = "new",
                Email = string.Create(CultureInfo.InvariantCulture, $"func{n}@company{n % 17}.example"),
                FirstName = "Func",
                LastName = n.ToString(CultureInfo.InvariantCulture),
                Company = string.Create(CultureInfo.InvariantCulture, $"Company {n % 17}"),
                Title = titles[_random.Next(titles.Length)],
                Country = countries[_random.Next(countries.Length)],
                Employees = _random.Next(5, 5000),
                Source = "inbound",
                Stage = Stage.New,
                Fields = _random.NextDouble() < 0.6
                    ? new Dictionary<string, Value> { ["last_form"] = Value.Of("Demo request"), ["last_form_at"] = Value.Of(TimeProvider.System.GetUtcNow()) }
                    : null,
            };

            string id;
            string? initialOwner;
            if (crm == CrmKind.Salesforce)
            {
                var fields = CrmRecordWriter.Person(person, SalesforceSchema, Mapping(crm), Rules);
                id = Salesforce.Insert(SalesforceSchema.PersonObjectName, fields.ToDictionary(f => f.Key, f => (object?)f.Value));
                initialOwner = Salesforce.Get(SalesforceSchema.PersonObjectName, id)?.GetValueOrDefault("OwnerId")?.ToString();
            }
            else
            {
                var fields = CrmRecordWriter.Person(person, HubSpotSchema, Mapping(crm), Rules);
                id = HubSpot.Create("contacts", fields);
                initialOwner = HubSpot.Get("contacts", id)?[HubSpotSchema.OwnerField];
            }

            var lead = new CreatedLead(crm, id, initialOwner);
            _created.Add(lead);
            return lead;
        }
    }

    /// <summary>Creates <paramref name="count"/> leads at about <paramref name="perSecond"/>, calling <paramref name="onLead"/> after each.</summary>
    public async Task CreateLeadsAsync(int count, double perSecond, Func<int, Task>? onLead = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            CreateLead();
            if (onLead is not null)
            {
                await onLead(i + 1);
            }

            var due = TimeSpan.FromSeconds((i + 1) / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }
    }

    public CrmMapping? Mapping(CrmKind crm) => Rules.Crms.FirstOrDefault(c => c.Crm == crm);

    /// <summary>A rep sets the lead's stage in the CRM (only the stage fields change); the CRM notifies the worker.</summary>
    public void SetStage(CreatedLead lead, Stage stage)
    {
        var values = Mapping(lead.Crm)?.Stages.FirstOrDefault(s => s.Stage == stage).Values
            ?? throw new InvalidOperationException($"stage {stage.Name()} is not mapped for {lead.Crm}");
        if (lead.Crm == CrmKind.Salesforce)
        {
            Salesforce.Touch(SalesforceSchema.PersonObjectName, lead.Id, values.ToDictionary(v => v.Key, v => (object?)v.Value));
        }
        else
        {
            // Every stage field the mapping knows is set, so a field of the earlier stage does not linger.
            var fields = Mapping(lead.Crm)!.Stages.SelectMany(s => s.Values).Select(v => v.Key).Distinct().ToDictionary(k => k, _ => (string?)null);
            foreach (var (k, v) in values)
            {
                fields[k] = v;
            }

            HubSpot.Touch("contacts", lead.Id, fields);
        }
    }

    /// <summary>The lead's current owner and mapped stage in its CRM.</summary>
    public (string? Owner, Stage? Stage) Current(CreatedLead lead)
    {
        var schema = lead.Crm == CrmKind.Salesforce ? SalesforceSchema : HubSpotSchema;
        IReadOnlyDictionary<string, string?>? fields = lead.Crm == CrmKind.Salesforce
            ? Salesforce.Get(schema.PersonObjectName, lead.Id)?.ToDictionary(f => f.Key, f => f.Value?.ToString())
            : HubSpot.Get("contacts", lead.Id)?.Properties;
        if (fields is null)
        {
            return (null, null);
        }

        return (fields.GetValueOrDefault(schema.OwnerField), Mapping(lead.Crm)?.ReadStage(f => fields.GetValueOrDefault(f)));
    }

    /// <summary>Every CRM id the config can assign in a CRM (members and queues).</summary>
    public IReadOnlySet<string> ConfiguredOwners(CrmKind crm)
    {
        var ids = crm == CrmKind.Salesforce
            ? Rules.Members.Select(m => m.SalesforceId).Concat(Rules.Queues.Select(q => q.SalesforceId))
            : Rules.Members.Select(m => m.HubSpotId).Concat(Rules.Queues.Select(q => q.HubSpotId));
        return ids.OfType<string>().Select(Canonical).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether the lead has been routed: its owner is one the config assigns, not the one it was created with.</summary>
    public bool IsRouted(CreatedLead lead)
    {
        var owner = Current(lead).Owner;
        return owner is not null && ConfiguredOwners(lead.Crm).Contains(Canonical(owner));
    }

    /// <summary>
    /// The owner values written by API calls that changed a lead's owner, oldest first, per lead: Salesforce from the
    /// simulator's write observations, HubSpot from its request log (single and batch updates that succeeded).
    /// </summary>
    public Dictionary<CreatedLead, List<string>> OwnerChanges()
    {
        var leads = Created;
        var writes = new Dictionary<(CrmKind, string), List<string>>();
        foreach (var o in Salesforce.AutoAssignments.Where(o => o.SObject == SalesforceSchema.PersonObjectName && !o.IsCreate && o.OwnerIdSent is not null))
        {
            Add(writes, (CrmKind.Salesforce, Canonical(o.RecordId)), o.OwnerIdSent!);
        }

        var ownerField = HubSpotSchema.OwnerField;
        foreach (var r in HubSpot.Requests.Where(r => r.Status is >= 200 and < 300 && r.Path.StartsWith("/crm/", StringComparison.Ordinal) && r.Path.Contains("/contacts", StringComparison.Ordinal) && r.Method is "PATCH" or "POST"))
        {
            foreach (var (id, owner) in HubSpotOwnerWrites(r, ownerField))
            {
                Add(writes, (CrmKind.HubSpot, id), owner);
            }
        }

        var result = new Dictionary<CreatedLead, List<string>>();
        foreach (var lead in leads)
        {
            var changes = new List<string>();
            var previous = lead.InitialOwner is null ? null : Canonical(lead.InitialOwner);
            foreach (var owner in writes.GetValueOrDefault((lead.Crm, Canonical(lead.Id))) ?? [])
            {
                var value = Canonical(owner);
                if (!string.Equals(value, previous, StringComparison.Ordinal))
                {
                    changes.Add(value);
                    previous = value;
                }
            }

            result[lead] = changes;
        }

        return result;
    }

    /// <summary>Task keys that exist more than once in either CRM, with their counts.</summary>
    public IReadOnlyList<string> DuplicatedTaskKeys()
    {
        var sf = Salesforce.All("Task")
            .Select(t => t.GetValueOrDefault(CrmSchema.SalesforceTaskKeyField)?.ToString())
            .OfType<string>()
            .GroupBy(k => k, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"Salesforce Task {CrmSchema.SalesforceTaskKeyField}={g.Key} x{g.Count()}");
        var hs = HubSpot.All("tasks")
            .Select(t => t[CrmSchema.HubSpotTaskKeyProperty])
            .OfType<string>()
            .GroupBy(k => k, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"HubSpot task {CrmSchema.HubSpotTaskKeyProperty}={g.Key} x{g.Count()}");
        return [.. sf.Concat(hs)];
    }

    public int TaskCount() =>
        Salesforce.All("Task").Count(t => t.GetValueOrDefault(CrmSchema.SalesforceTaskKeyField) is not null)
        + HubSpot.All("tasks").Count(t => t[CrmSchema.HubSpotTaskKeyProperty] is not null);

    /// <summary>Whether both CRMs have nothing left to deliver to the worker(s).</summary>
    public async Task<bool> DeliveriesIdleAsync()
    {
        if (Salesforce.Outbound.Pending != 0)
        {
            return false;
        }

        try
        {
            await HubSpot.WaitForWebhooksIdleAsync(TimeSpan.FromMilliseconds(1));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public static string Canonical(string id) => id.Length == 15 && SalesforceIds.LooksLikeId(id) ? SalesforceIds.To18(id) : id;

    public async ValueTask DisposeAsync()
    {
        await Salesforce.DisposeAsync();
        await HubSpot.DisposeAsync();
    }

    private static void Add(Dictionary<(CrmKind, string), List<string>> writes, (CrmKind, string) key, string owner)
    {
        if (!writes.TryGetValue(key, out var list))
        {
            writes[key] = list = [];
        }

        list.Add(owner);
    }

    private static IEnumerable<(string Id, string Owner)> HubSpotOwnerWrites(HubSpotLoggedRequest request, string ownerField)
    {
        JsonElement body;
        try
        {
            body = JsonDocument.Parse(request.Body).RootElement;
        }
        catch (JsonException)
        {
            yield break;
        }

        if (request.Method == "PATCH")
        {
            var id = request.Path[(request.Path.LastIndexOf('/') + 1)..];
            if (OwnerIn(body, ownerField) is { } owner)
            {
                yield return (id, owner);
            }

            yield break;
        }

        if (request.Path.EndsWith("/batch/update", StringComparison.Ordinal) && body.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Array)
        {
            foreach (var input in inputs.EnumerateArray())
            {
                if (input.TryGetProperty("id", out var id) && OwnerIn(input, ownerField) is { } owner)
                {
                    yield return (id.ToString(), owner);
                }
            }
        }
    }

    private static string? OwnerIn(JsonElement item, string ownerField) =>
        item.ValueKind == JsonValueKind.Object
        && item.TryGetProperty("properties", out var properties)
        && properties.ValueKind == JsonValueKind.Object
        && properties.TryGetProperty(ownerField, out var owner)
        && owner.ValueKind == JsonValueKind.String
            ? owner.GetString()
            : null;
}

/// <summary>A lead the test created, with the owner the CRM gave it on creation.</summary>
internal sealed record CreatedLead(CrmKind Crm, string Id, string? InitialOwner);
