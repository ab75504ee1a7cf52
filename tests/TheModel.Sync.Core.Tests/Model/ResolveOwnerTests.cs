using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Tests.Model;

/// <summary>
/// <see cref="RuleSet.ResolveOwner"/> reads one table built from the roster; it must answer as the language's steps do
/// (member id, queue key, <c>external</c>, then CRM ids with 15-character Salesforce ids extended to 18).
/// </summary>
public sealed class ResolveOwnerTests
{
    private static readonly string SfMember = SalesforceIds.To18("0055g00000AbCdA");
    private static readonly string SfQueue = SalesforceIds.To18("00G5g000004XyZa");
    private static readonly string SfShared = SalesforceIds.To18("0055g00000ShArE");

    private static RuleSet Rules()
    {
        var team = new Team { Id = "sr", Index = 0, Role = TeamRole.SR, Works = TeamRoles.DefaultWorks(TeamRole.SR) };
        Member M(string id, int index, string? sf = null, string? hs = null) =>
            new() { Id = id, Index = index, Position = index, Team = team, SalesforceId = sf, HubSpotId = hs };
        team.SetMembers(
        [
            M("aiko", 0, SfMember, "41234567"),

            // A member id that is also a queue key, and one that reads as a 15-character id of another member's 18.
            M("pool", 1),
            M("0055g00000ShArE", 2),
            M("ren", 3, SfShared, "123456789012345"),

            // A Salesforce id stored in its 15-character form never matches as itself.
            M("noah", 4, "0055g00000NoAhX", "external"),
            M("mia", 5, hs: "90002"),
        ]);
        OwnerQueue[] queues =
        [
            new() { Key = "pool", SalesforceId = SfQueue, HubSpotId = "90001" },
            new() { Key = "unassigned", SalesforceId = SfShared, HubSpotId = "90002" },
        ];
        return new RuleSet("sha256:test", [], [team], queues, [], new MatchingOptions(), [], new Scoring(), [], [], [], []);
    }

    public static TheoryData<string?> Owners()
    {
        var data = new TheoryData<string?> { null, string.Empty, " ", "\t", "external", "External", "pool", "unassigned", "aiko", "AIKO" };
        foreach (var id in new[] { SfMember, SfQueue, SfShared, "0055g00000NoAhX" })
        {
            data.Add(id);
            data.Add(id[..15]);
            data.Add(id.ToLowerInvariant());
            data.Add(id[..15].ToLowerInvariant());
            data.Add(id[..15] + "AAA");
            data.Add(id[..14]);
            data.Add(id.ToUpperInvariant());
        }

        foreach (var id in new[] { "41234567", "123456789012345", "90001", "90002", "0055g00000ZzWv3AAA", "nobody", " aiko" })
        {
            data.Add(id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Owners))]
    public void ResolveOwner_AnswersAsTheStepsDo(string? owner)
    {
        var rules = Rules();
        Assert.Equal(rules.ResolveOwnerStepwise(owner), rules.ResolveOwner(owner));
    }

    [Fact]
    public void ResolveOwner_KnownForms_ResolveToWhatTheLanguageSays()
    {
        var rules = Rules();
        Assert.Equal("aiko", rules.ResolveOwner(SfMember[..15]).Name);
        Assert.Equal(OwnerKind.Member, rules.ResolveOwner("pool").Kind);
        Assert.Equal("pool", rules.ResolveOwner(SfQueue).Name);
        Assert.Equal("0055g00000ShArE", rules.ResolveOwner("0055g00000ShArE").Name);
        Assert.Equal("ren", rules.ResolveOwner(SfShared).Name);
        Assert.Equal(OwnerKind.External, rules.ResolveOwner("123456789012345").Kind);
        Assert.Equal(OwnerKind.External, rules.ResolveOwner("0055g00000NoAhX").Kind);
        Assert.Equal("mia", rules.ResolveOwner("90002").Name);
        Assert.Equal(OwnerKind.None, rules.ResolveOwner("  ").Kind);
    }

    [Fact]
    public void ResolveOwner_EighteenCharacterIdInAnotherCase_IsTheSameId()
    {
        // The suffix says the case of the first 15: an id upper- or lower-cased by a spreadsheet is still the member's.
        var rules = Rules();
        Assert.Equal("aiko", rules.ResolveOwner(SfMember.ToUpperInvariant()).Name);
        Assert.Equal("aiko", rules.ResolveOwner(SfMember.ToLowerInvariant()).Name);
        Assert.Equal("pool", rules.ResolveOwner(SfQueue.ToLowerInvariant()).Name);

        // A 15-character id has no suffix to say its case: in another case it is another id.
        Assert.Equal(OwnerKind.External, rules.ResolveOwner(SfMember[..15].ToUpperInvariant()).Kind);

        Assert.True(SalesforceIds.TryCaseFromSuffix(SfMember.ToLowerInvariant(), out var cased));
        Assert.Equal(SfMember, cased);
    }
}
