using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Engine;

/// <summary>
/// The person being evaluated, as it stands at this point of the evaluation: the input record plus the fields the steps
/// of section 12 compute or change, its matched account and (for recycle events) an opportunity. Conditions read it.
/// </summary>
public sealed class EvaluationScope
{
    private List<KeyValuePair<string, Value>>? _fieldOverrides;

    public EvaluationScope(Person person, DateTimeOffset at) => Reset(person, at);

    public Person Person { get; private set; }

    public DateTimeOffset At { get; private set; }

    public long AtTicks { get; private set; }

    public Stage Stage { get; set; }

    public DateTimeOffset? StageEnteredAt { get; set; }

    public string? RecycleReason { get; set; }

    public string? RecycleRule { get; set; }

    public DateTimeOffset? RecheckAt { get; set; }

    public OwnerRef Owner { get; set; }

    public DateTimeOffset? OwnerSetAt { get; set; }

    public string? Domain { get; set; }

    public Account? Account { get; set; }

    /// <summary>The account's owner, resolved against the roster.</summary>
    public OwnerRef AccountOwner { get; set; }

    public Opportunity? Opportunity { get; set; }

    public string? Segment { get; set; }

    public double Fit { get; set; }

    public double Engagement { get; set; }

    public double Score { get; set; }

    public bool Scored { get; set; }

    /// <summary>Why routing runs because a recycle rule fired or its recheck ran in this evaluation; null when none did.</summary>
    internal string? RecycleTrigger { get; set; }

    /// <summary>The members among <c>previous_owners</c>, resolved once per evaluation when routing needs them.</summary>
    internal List<Member>? PreviousMembers { get; set; }

    /// <summary>
    /// Makes this scope as new for another evaluation (the engine reuses one per thread): every property is set again,
    /// none is left from the last person.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Person))]
    internal void Reset(Person person, DateTimeOffset at)
    {
        Person = person;
        At = at;
        AtTicks = at.UtcTicks;
        Stage = person.Stage ?? Records.Stage.New;
        StageEnteredAt = person.StageEnteredAt;
        RecycleReason = person.RecycleReason;
        RecycleRule = person.RecycleRule;
        RecheckAt = person.RecheckAt;
        Owner = default;
        OwnerSetAt = person.OwnerSetAt;
        Domain = null;
        Account = null;
        AccountOwner = default;
        Opportunity = null;
        Segment = null;
        Fit = 0;
        Engagement = 0;
        Score = 0;
        Scored = false;
        PreviousMembers = null;
        RecycleTrigger = null;
        _fieldOverrides?.Clear();
    }

    public void SetCustomField(string name, Value value)
    {
        _fieldOverrides ??= [];
        for (var i = 0; i < _fieldOverrides.Count; i++)
        {
            if (_fieldOverrides[i].Key == name)
            {
                _fieldOverrides[i] = new(name, value);
                return;
            }
        }

        _fieldOverrides.Add(new(name, value));
    }

    public Value GetCustomField(string name)
    {
        if (_fieldOverrides is not null)
        {
            foreach (var kv in _fieldOverrides)
            {
                if (kv.Key == name)
                {
                    return kv.Value;
                }
            }
        }

        return Person.Fields is { } f && f.TryGetValue(name, out var v) ? v : default;
    }

    public Value Get(FieldRef field) => field.Scope switch
    {
        FieldScope.Person => GetPerson(field),
        FieldScope.Account => GetAccount(field),
        _ => GetOpportunity(field),
    };

    private Value GetPerson(FieldRef field)
    {
        var p = Person;
        return field.Id switch
        {
            FieldId.Id => Value.Of(p.Id),
            FieldId.Crm => Value.Of(p.Crm),
            FieldId.Email => Value.Of(p.Email),
            FieldId.FirstName => Value.Of(p.FirstName),
            FieldId.LastName => Value.Of(p.LastName),
            FieldId.Title => Value.Of(p.Title),
            FieldId.Phone => Value.Of(p.Phone),
            FieldId.Company => Value.Of(p.Company),
            FieldId.Domain => Value.Of(Domain),
            FieldId.Website => Value.Of(p.Website),
            FieldId.Country => Value.Of(p.Country),
            FieldId.State => Value.Of(p.State),
            FieldId.PostalCode => Value.Of(p.PostalCode),
            FieldId.Employees => Value.Of(p.Employees),
            FieldId.AnnualRevenue => Value.Of(p.AnnualRevenue),
            FieldId.Industry => Value.Of(p.Industry),
            FieldId.Source => Value.Of(p.Source),
            FieldId.Stage => Value.Of(Stage.Name()),
            FieldId.StageEnteredAt => Value.Of(StageEnteredAt),
            FieldId.RecycleReason => Value.Of(RecycleReason),
            FieldId.RecycleRule => Value.Of(RecycleRule),
            FieldId.RecheckAt => Value.Of(RecheckAt),
            FieldId.Owner => Value.Of(Owner.Name),
            FieldId.OwnerSetAt => Value.Of(OwnerSetAt),
            FieldId.OwnerSetBy => Value.Of(p.OwnerSetBy),
            FieldId.PreviousOwners => p.PreviousOwners is { Count: > 0 } list ? Value.Of(list) : default,
            FieldId.CreatedAt => Value.Of(p.CreatedAt),
            FieldId.UpdatedAt => Value.Of(p.UpdatedAt),
            FieldId.LastTouchAt => Value.Of(p.LastTouchAt),
            FieldId.Touches => Value.Of(p.Touches),
            FieldId.Score => Scored ? Value.Of(Score) : default,
            FieldId.Fit => Scored ? Value.Of(Fit) : default,
            FieldId.Engagement => Scored ? Value.Of(Engagement) : default,
            FieldId.Segment => Value.Of(Segment),
            FieldId.Custom => GetCustomField(field.CustomName!),
            _ => default,
        };
    }

    private Value GetAccount(FieldRef field)
    {
        if (field.Id == FieldId.AccountMatched)
        {
            return Value.Of(Account is not null);
        }

        var a = Account;
        if (a is null)
        {
            return default;
        }

        return field.Id switch
        {
            FieldId.Id => Value.Of(a.Id),
            FieldId.AccountName => Value.Of(a.Name),
            FieldId.Domain => Value.Of(a.Domain),
            FieldId.Website => Value.Of(a.Website),
            FieldId.Owner => Value.Of(AccountOwner.Name),
            FieldId.AccountType => Value.Of(a.Type),
            FieldId.Employees => Value.Of(a.Employees),
            FieldId.AnnualRevenue => Value.Of(a.AnnualRevenue),
            FieldId.Country => Value.Of(a.Country),
            FieldId.Industry => Value.Of(a.Industry),
            FieldId.CreatedAt => Value.Of(a.CreatedAt),
            FieldId.Custom => a.Fields is { } f && f.TryGetValue(field.CustomName!, out var v) ? v : default,
            _ => default,
        };
    }

    private Value GetOpportunity(FieldRef field)
    {
        var o = Opportunity;
        if (o is null)
        {
            return default;
        }

        return field.Id switch
        {
            FieldId.Id => Value.Of(o.Id),
            FieldId.OpportunityAccount => Value.Of(o.Account),
            FieldId.Owner => Value.Of(o.Owner),
            FieldId.OpportunityStage => Value.Of(o.Stage),
            FieldId.OpportunityAmount => Value.Of(o.Amount),
            FieldId.OpportunityIsClosed => Value.Of(o.IsClosed),
            FieldId.OpportunityIsWon => Value.Of(o.IsWon),
            FieldId.OpportunityCloseDate => Value.Of(o.CloseDate),
            FieldId.OpportunityLossReason => Value.Of(o.LossReason),
            _ => default,
        };
    }
}
