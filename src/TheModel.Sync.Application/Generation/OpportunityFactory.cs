using System.Globalization;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Generation;

/// <summary>One generated opportunity.</summary>
internal sealed class GeneratedOpportunity
{
    public required string Id { get; init; }

    public required string Account { get; init; }

    public string? Owner { get; init; }

    public required string Stage { get; init; }

    public required long Amount { get; init; }

    public required bool IsClosed { get; init; }

    public required bool IsWon { get; init; }

    public required long CloseDate { get; init; }

    public string? LossReason { get; init; }

    public required Zone Zone { get; init; }
}

/// <summary>
/// Opportunities at existing accounts, owned by AEs, with stage, amount, close date and loss reason consistent with each
/// other. Customer accounts lean to won deals. Close dates lie before the anchor like every other instant: open deals
/// have slipped past theirs by up to a month.
/// </summary>
internal sealed class OpportunityFactory
{
    private const ulong OpportunityStream = 0x0990;

    private static readonly Weighted StageWeights = new(14, 14, 12, 10, 25, 25);

    private readonly Rng _rng;
    private readonly AccountCatalog _accounts;
    private readonly OwnerPool _owners;
    private readonly long _anchor;

    public OpportunityFactory(AccountCatalog accounts, OwnerPool owners, ulong seed, long anchor)
    {
        _rng = new Rng(Rng.Mix(seed, OpportunityStream, 0));
        _accounts = accounts;
        _owners = owners;
        _anchor = anchor;
    }

    public GeneratedOpportunity Next(long index)
    {
        var rng = _rng;
        var account = _accounts.Build(rng.Next(_accounts.Count));
        var stage = StageWeights.Pick(rng);
        if (account.Type == "customer" && stage != 4 && rng.Percent(50))
        {
            stage = 4;
        }

        var stageName = NamePools.OpportunityStages[stage];
        var closed = stage >= 4;
        var hubSpot = rng.Percent(30);
        var member = account.OwnerMember is { Active: true, Team.Role: TeamRole.AE } accountOwner && rng.Percent(70)
            ? accountOwner
            : _owners.PickAe(rng, account.Japan, account.Employees >= 1000, null);
        var amount = account.Employees switch
        {
            < 50 => rng.Between(50, 300) * 100L,
            < 1000 => rng.Between(200, 1500) * 100L,
            _ => rng.Between(1000, 20000) * 100L,
        };
        var zone = IsoTime.ZoneOf(account.Country);
        var ago = closed ? rng.Between(IsoTime.Day, 540 * IsoTime.Day) : rng.Between(0, 30 * IsoTime.Day);
        return new GeneratedOpportunity
        {
            Id = "o" + (index + 1).ToString(CultureInfo.InvariantCulture),
            Account = account.Id,
            Owner = member is null ? null : OwnerPool.Render(rng, member, hubSpot),
            Stage = stageName,
            Amount = amount,
            IsClosed = closed,
            IsWon = stage == 4,
            CloseDate = IsoTime.StartOfLocalDay(_anchor - ago, zone),
            LossReason = stage == 5 ? rng.Pick(NamePools.LossReasons) : null,
            Zone = zone,
        };
    }
}
