using System.Globalization;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Generation;

/// <summary>
/// Fills one person after another from a single seeded stream. Distributions follow the generator's brief: stages
/// (new 35%, mql 15%, working 15%, sql 10%, customer 8%, nurture 12%, disqualified 5%), owners consistent with the
/// stage and the rule set's teams, e-mail at the account's domain, a subdomain, a free-mail provider with a company
/// name to match on, a competitor, or an unknown company.
/// </summary>
internal sealed class PersonFactory
{
    private const ulong PeopleStream = 0x9E0;

    private static readonly Weighted StageWeights = new(35, 15, 15, 10, 8, 12, 5);
    private static readonly Weighted SourceWeights = new(60, 20, 10, 10);
    private static readonly string[] Sources = ["inbound", "outbound", "partner", "event"];
    private static readonly Weighted NurtureReasons = new(45, 25, 18, 12);
    private static readonly string[] NurtureReasonNames = ["timing", "no_response", "budget", "competitor"];
    private static readonly string[] DisqualifyReasons = ["competitor", "student", "junk", "partner"];
    private static readonly Weighted PricingViewWeights = new(35, 20, 12, 10, 8, 6, 4, 3, 2);
    private static readonly Weighted PreviousOwnerCounts = new(50, 25, 15, 10);
    private static readonly string[] UsAreaCodes = ["212", "415", "646", "512", "206", "617", "312"];

    private readonly Rng _rng;
    private readonly AccountCatalog _accounts;
    private readonly OwnerPool _owners;
    private readonly long _anchor;
    private readonly Member[] _history;
    private readonly Dictionary<string, RecycleRule> _recycleByReason = new(StringComparer.OrdinalIgnoreCase);

    public PersonFactory(RuleSet rules, AccountCatalog accounts, OwnerPool owners, ulong seed, long anchor)
    {
        _rng = new Rng(Rng.Mix(seed, PeopleStream, 0));
        _accounts = accounts;
        _owners = owners;
        _anchor = anchor;
        _history = [.. rules.Members.Where(m => m.Team.Role is TeamRole.SR or TeamRole.EBR or TeamRole.AE)];
        foreach (var rule in rules.Recycle)
        {
            if (rule.On != RecycleTrigger.None)
            {
                continue;
            }

            foreach (var reason in rule.NamedReasons)
            {
                _recycleByReason.TryAdd(reason, rule);
            }
        }
    }

    private enum Affiliation
    {
        Direct,
        Subdomain,
        FreeMail,
        Competitor,
        Unknown,
        NoCompany,
    }

    public void Fill(PersonRow p, long index)
    {
        var rng = _rng;
        p.Clear();
        p.Id = "p" + (index + 1).ToString(CultureInfo.InvariantCulture);
        var stage = (Stage)StageWeights.Pick(rng);
        p.Stage = stage.Name();

        // A fresh demo request from a decision maker: the sample's scoring makes such a person an MQL.
        var hot = stage == Stage.New && rng.Percent(10);

        var (account, affiliation) = Affiliate(rng, stage);
        var country = Country(rng, account, affiliation);
        var japan = country == "JP";
        p.Country = country;
        p.Zone = IsoTime.ZoneOf(country);
        p.Crm = rng.Percent(70) ? "salesforce" : "hubspot";
        var hubSpot = p.Crm == "hubspot";

        var (firstAscii, lastAscii) = Names(rng, p, country);

        // A company in no accounts file: its name and domain from the same words.
        var unknown = affiliation == Affiliation.Unknown
            ? (rng.Pick(NamePools.UnknownWords), rng.Pick(NamePools.UnknownSuffixes))
            : default;
        p.Email = LocalPart(rng, firstAscii, lastAscii, japan, affiliation is Affiliation.FreeMail or Affiliation.NoCompany)
            + "@" + EmailDomain(rng, account, affiliation, japan, unknown);
        p.Company = Company(rng, account, affiliation, japan, unknown);
        if (account is not null && affiliation != Affiliation.Competitor && rng.Percent(11))
        {
            p.Account = account.Id;
        }

        p.Employees = EmployeesOf(rng, account);
        if (account is not null && rng.Percent(15))
        {
            p.AnnualRevenue = account.AnnualRevenue;
        }

        p.Title = Title(rng, japan, hot, stage);
        p.Phone = rng.Percent(85) ? Phone(rng, country) : null;
        if (rng.Percent(50) && country is "JP" or "US")
        {
            var (state, postal) = rng.Pick(japan ? NamePools.JpStates : NamePools.UsStates);
            p.State = state;
            p.PostalCode = postal;
        }

        if (account is not null && rng.Percent(40))
        {
            p.Industry = account.Industry;
        }

        p.Source = hot ? "inbound" : Sources[SourceWeights.Pick(rng)];

        // When things happened: the stage entry first, everything else around it.
        var age = StageAge(rng, stage, hot);
        var entered = _anchor - age;
        p.StageEnteredAt = entered;
        p.CreatedAt = stage == Stage.New
            ? entered - (rng.Percent(80) ? 0 : rng.Between(0, 30 * IsoTime.Day))
            : entered - rng.Between(IsoTime.Hour, 365 * IsoTime.Day);

        var owner = ChooseOwner(rng, stage, account, affiliation, japan, p.Employees);
        if (owner.Member is not null || owner.Queue is not null)
        {
            var r = rng.Next(100);
            if (r < 3 && _owners.PickExternal(rng) is { } external)
            {
                owner = (null, null, external);
            }
            else if (r < 5 && _owners.PickInactive(rng) is { } inactive)
            {
                owner = (inactive, null, null);
            }
        }

        if (owner.Member is { } assigned)
        {
            _owners.Assign(assigned, stage);
        }

        p.Owner = owner.Member is { } m ? OwnerPool.Render(rng, m, hubSpot)
            : owner.Queue is { } q ? OwnerPool.Render(rng, q, hubSpot)
            : owner.External;
        if (p.Owner is not null)
        {
            // Mostly set when the stage was entered (so the person is owned); sometimes before it (the stage changed since).
            p.OwnerSetAt = rng.Percent(70)
                ? entered + rng.Between(0, Math.Min(age - 1, 2 * IsoTime.Hour))
                : Math.Max(p.CreatedAt, entered - rng.Between(IsoTime.Hour, 60 * IsoTime.Day));
            p.OwnerSetBy = rng.Percent(97) ? "service" : rng.Pick(NamePools.Humans);
        }

        PreviousOwners(rng, p, stage, owner.Member);
        Touches(rng, p, stage, age);
        Recycle(rng, p, stage, account, entered);
        CustomFields(rng, p, hot);

        var latest = Math.Max(Math.Max(p.StageEnteredAt, p.OwnerSetAt), Math.Max(p.LastTouchAt, Math.Max(p.LastFormAt, p.LastEventAt)));
        latest = Math.Max(latest, p.CreatedAt);
        p.UpdatedAt = rng.Percent(60) ? latest : rng.Between(latest, _anchor - 1);
    }

    private (GeneratedAccount? Account, Affiliation Affiliation) Affiliate(Rng rng, Stage stage)
    {
        var r = rng.Next(1000);
        if (r < 10 && _accounts.CompetitorIndexes.Count > 0)
        {
            return (_accounts.Build(rng.Pick(_accounts.CompetitorIndexes)), Affiliation.Competitor);
        }

        if (r < 30)
        {
            return (null, Affiliation.NoCompany);
        }

        if (r < 70 || _accounts.Count == 0)
        {
            return (null, Affiliation.Unknown);
        }

        var index = r < 110 && _accounts.AbmIndexes.Count > 0 ? rng.Pick(_accounts.AbmIndexes) : PickAccount(rng, stage);
        var account = _accounts.Build(index);
        var s = rng.Next(1000);
        return (account, s < 135 ? Affiliation.FreeMail : s < 191 ? Affiliation.Subdomain : Affiliation.Direct);
    }

    /// <summary>Customers are mostly contacts of customer accounts; contacts cluster on the older accounts.</summary>
    private int PickAccount(Rng rng, Stage stage)
    {
        var index = RandomIndex(rng);
        if (stage == Stage.Customer)
        {
            for (var i = 0; i < 8 && _accounts.TypeOf(index) != "customer"; i++)
            {
                index = RandomIndex(rng);
            }
        }

        return index;
    }

    private int RandomIndex(Rng rng)
    {
        var n = _accounts.Count;
        var s = _accounts.SpecialCount;
        if (n <= s || rng.Percent(50))
        {
            return rng.Next(n);
        }

        return s + Math.Min(rng.Next(n - s), rng.Next(n - s));
    }

    private static string Country(Rng rng, GeneratedAccount? account, Affiliation affiliation)
    {
        if (account is not null && affiliation != Affiliation.Competitor)
        {
            return rng.Percent(5) ? rng.Pick(NamePools.OtherCountries).Code : account.Country;
        }

        if (account is not null)
        {
            return account.Country;
        }

        var r = rng.Next(100);
        return r < 50 ? "JP" : r < 95 ? "US" : rng.Pick(NamePools.OtherCountries).Code;
    }

    private static (string First, string Last) Names(Rng rng, PersonRow p, string country)
    {
        switch (country)
        {
            case "JP":
            {
                var (lastKanji, lastLatin) = rng.Pick(NamePools.JpLastNames);
                var (firstKanji, firstLatin) = rng.Pick(NamePools.JpFirstNames);
                var kanji = rng.Percent(55);
                p.LastName = kanji ? lastKanji : lastLatin;
                p.FirstName = rng.Percent(97) ? kanji ? firstKanji : firstLatin : null;
                return (firstLatin.ToLowerInvariant(), lastLatin.ToLowerInvariant());
            }

            case "US":
            {
                var first = rng.Pick(NamePools.UsFirstNames);
                var last = rng.Pick(NamePools.UsLastNames);
                p.LastName = last.Written;
                p.FirstName = rng.Percent(97) ? first.Written : null;
                return (first.Ascii, last.Ascii);
            }

            default:
            {
                var other = OtherCountry(country);
                var first = rng.Pick(other.FirstNames);
                var last = rng.Pick(other.LastNames);
                p.LastName = last.Written;
                p.FirstName = first.Written;
                return (first.Ascii, last.Ascii);
            }
        }
    }

    private static string LocalPart(Rng rng, string first, string last, bool japan, bool freeMail)
    {
        var local = rng.Next(japan ? 6 : 5) switch
        {
            0 => first + "." + last,
            1 => first[0] + "." + last,
            2 => first + last,
            3 => first[0] + last,
            4 => first + "_" + last,
            _ => last + "." + first,
        };
        if (freeMail && rng.Percent(45))
        {
            local += rng.Percent(50)
                ? rng.Between(1, 99).ToString(CultureInfo.InvariantCulture)
                : rng.Between(1965, 2004).ToString(CultureInfo.InvariantCulture);
        }

        return local;
    }

    private static string EmailDomain(Rng rng, GeneratedAccount? account, Affiliation affiliation, bool japan, (NameWord Word, string Suffix) unknown)
    {
        switch (affiliation)
        {
            case Affiliation.Direct:
            case Affiliation.Competitor:
                return account!.Domain;
            case Affiliation.Subdomain:
                var sub = japan ? (rng.Percent(70) ? "jp" : "tokyo") : account!.Japan ? "global" : (rng.Percent(70) ? "us" : "mail");
                return sub + "." + account!.Domain;
            case Affiliation.Unknown:
                return unknown.Word.Slug + "-" + unknown.Suffix.ToLowerInvariant() + "." + rng.Pick(NamePools.UnknownTlds);
            default:
                return rng.Pick(japan ? NamePools.JpFreeMail : NamePools.UsFreeMail);
        }
    }

    private static string? Company(Rng rng, GeneratedAccount? account, Affiliation affiliation, bool japan, (NameWord Word, string Suffix) unknown)
    {
        switch (affiliation)
        {
            case Affiliation.FreeMail:
                return rng.Percent(15) ? account!.Name : AccountCatalog.Variant(rng, account!.Core, account.Kanji, account.Japan);
            case Affiliation.Direct:
            case Affiliation.Subdomain:
            case Affiliation.Competitor:
                var r = rng.Next(100);
                return r < 55 ? account!.Name : r < 70 ? AccountCatalog.Variant(rng, account!.Core, account.Kanji, account.Japan) : null;
            case Affiliation.Unknown:
                if (rng.Percent(10))
                {
                    return null;
                }

                return japan && rng.Percent(50)
                    ? "株式会社" + unknown.Word.Japanese
                    : unknown.Word.Latin + " " + unknown.Suffix + (rng.Percent(50) ? " Inc." : string.Empty);
            default:
                return null;
        }
    }

    private static int? EmployeesOf(Rng rng, GeneratedAccount? account)
    {
        var r = rng.Next(100);
        if (account is null)
        {
            return r < 40 ? rng.Next(6) switch
            {
                0 => rng.Between(1, 9),
                1 or 2 => rng.Between(10, 49),
                3 or 4 => rng.Between(50, 300),
                _ => rng.Between(300, 3000) / 10 * 10,
            } : null;
        }

        return r switch
        {
            < 60 => account.Employees,
            < 88 => null,

            // Self-reported on a form: a round figure near the account's.
            _ => account.Employees < 10 ? account.Employees : RoundFigure(account.Employees),
        };
    }

    private static int RoundFigure(int n)
    {
        var unit = 1;
        while (n / unit >= 10)
        {
            unit *= 10;
        }

        return Math.Max(unit, (n + (unit / 2)) / unit * unit);
    }

    private static string? Title(Rng rng, bool japan, bool hot, Stage stage)
    {
        if (hot || rng.Percent(22))
        {
            return rng.Pick(japan ? NamePools.JpDecisionTitles : NamePools.UsDecisionTitles);
        }

        if ((stage == Stage.Disqualified && rng.Percent(30)) || rng.Permille(8))
        {
            return rng.Pick(japan ? NamePools.JpStudentTitles : NamePools.StudentTitles);
        }

        return rng.Percent(8) ? null : rng.Pick(japan ? NamePools.JpOtherTitles : NamePools.UsOtherTitles);
    }

    private static string Phone(Rng rng, string country)
    {
        var a = rng.Between(1000, 9999).ToString(CultureInfo.InvariantCulture);
        var b = rng.Between(1000, 9999).ToString(CultureInfo.InvariantCulture);
        switch (country)
        {
            case "JP":
                return rng.Next(3) switch
                {
                    0 => "03-" + a + "-" + b,
                    1 => "+81-3-" + a + "-" + b,
                    _ => "090-" + a + "-" + b,
                };
            case "US":
                var area = rng.Pick(UsAreaCodes);
                var line = rng.Between(100, 199).ToString(CultureInfo.InvariantCulture)[1..];
                return rng.Percent(50) ? "+1-" + area + "-555-01" + line : "(" + area + ") 555-01" + line;
            default:
                return "+" + OtherCountry(country).CallingCode + " " + a + " " + b;
        }
    }

    private static OtherCountry OtherCountry(string code)
    {
        foreach (var c in NamePools.OtherCountries)
        {
            if (c.Code == code)
            {
                return c;
            }
        }

        return NamePools.OtherCountries[0];
    }

    private static long StageAge(Rng rng, Stage stage, bool hot) => stage switch
    {
        Stage.New => hot ? rng.Between(10 * IsoTime.Minute, 2 * IsoTime.Day) : rng.Between(30 * IsoTime.Minute, 120 * IsoTime.Day),
        Stage.Mql => rng.Percent(40) ? rng.Between(30 * IsoTime.Minute, IsoTime.Day) : rng.Between(IsoTime.Day, 30 * IsoTime.Day),
        Stage.Working => rng.Between(IsoTime.Day, 150 * IsoTime.Day),
        Stage.Sql => rng.Between(6 * IsoTime.Hour, 90 * IsoTime.Day),
        Stage.Customer => rng.Between(30 * IsoTime.Day, 3 * 365 * IsoTime.Day),
        Stage.Nurture => rng.Between(7 * IsoTime.Day, 300 * IsoTime.Day),
        _ => rng.Between(IsoTime.Day, 500 * IsoTime.Day),
    };

    /// <summary>
    /// Who owns the person for its stage: queues for unworked and recycled persons, SR/EBR, AE, CSM. Members are
    /// filled only up to their share of <c>max_open</c>; the overflow waits in a queue (or, for working persons, with EBR).
    /// </summary>
    private (Member? Member, OwnerQueue? Queue, string? External) ChooseOwner(
        Rng rng, Stage stage, GeneratedAccount? account, Affiliation affiliation, bool japan, int? employees)
    {
        var abm = account is { Abm: true } && affiliation is Affiliation.Direct or Affiliation.Subdomain;
        var big = (employees ?? account?.Employees ?? 0) >= 1000;
        var r = rng.Next(100);
        Member? member;
        OwnerQueue? queue = null;
        switch (stage)
        {
            case Stage.New:
                if (r < 15)
                {
                    return (null, null, null);
                }

                member = abm && r < 85 ? _owners.PickFirst(rng, japan, stage, TeamRole.EBR, TeamRole.SR)
                    : r < 55 ? null
                    : r < 75 ? _owners.PickFirst(rng, japan, stage, TeamRole.SR, TeamRole.EBR)
                    : r < 90 ? _owners.PickFirst(rng, japan, stage, TeamRole.EBR, TeamRole.SR)
                    : _owners.Pick(rng, TeamRole.Marketing, japan, stage);
                break;
            case Stage.Mql:
            case Stage.Working:
                member = abm && r < 75 ? _owners.PickFirst(rng, japan, stage, TeamRole.EBR, TeamRole.SR)
                    : r < 85 ? _owners.Pick(rng, TeamRole.SR, japan, stage)
                    : r < 95 ? _owners.Pick(rng, TeamRole.EBR, japan, stage)
                    : null;
                if (member is null && stage == Stage.Working && rng.Percent(50))
                {
                    member = _owners.Pick(rng, TeamRole.EBR, japan, stage);
                }

                break;
            case Stage.Sql:
                member = _owners.PickAe(rng, japan, big, stage);
                break;
            case Stage.Customer:
                member = account?.OwnerMember is { Active: true, Team.Role: TeamRole.CSM } accountOwner && r < 60 && _owners.HasRoom(accountOwner, stage)
                    ? accountOwner
                    : _owners.PickFirst(rng, japan, stage, TeamRole.CSM, TeamRole.AE);
                break;
            case Stage.Nurture:
                if (r < 50)
                {
                    return (null, _owners.NurtureQueue, null);
                }

                member = r < 80 ? _owners.PickFirst(rng, japan, stage, TeamRole.SR, TeamRole.EBR)
                    : r < 90 ? _owners.PickAe(rng, japan, big, stage)
                    : null;
                if (member is null && r < 90)
                {
                    queue = _owners.NurtureQueue;
                }

                break;
            default:
                if (r < 60)
                {
                    return (null, rng.Percent(50) ? _owners.DefaultQueue : _owners.NurtureQueue, null);
                }

                member = r < 90 ? _owners.PickFirst(rng, japan, stage, TeamRole.SR, TeamRole.EBR) : null;
                break;
        }

        if (member is null && queue is null && stage is Stage.New or Stage.Mql or Stage.Working or Stage.Sql or Stage.Customer)
        {
            queue = _owners.DefaultQueue;
        }

        return (member, queue, null);
    }

    private void PreviousOwners(Rng rng, PersonRow p, Stage stage, Member? current)
    {
        if (_history.Length == 0)
        {
            return;
        }

        var count = stage == Stage.New ? (rng.Percent(85) ? 0 : 1) : PreviousOwnerCounts.Pick(rng);
        for (var i = 0; i < count * 3 && p.PreviousOwners.Count < count; i++)
        {
            var m = _history[rng.Next(_history.Length)];
            if (m != current && !p.PreviousOwners.Contains(m.Id))
            {
                p.PreviousOwners.Add(m.Id);
            }
        }
    }

    private void Touches(Rng rng, PersonRow p, Stage stage, long age)
    {
        p.Touches = stage switch
        {
            Stage.New => rng.Percent(80) ? 0 : rng.Between(1, 2),
            Stage.Mql => rng.Percent(60) ? 0 : rng.Between(1, 2),
            Stage.Working or Stage.Nurture => rng.Between(1, 12),
            Stage.Sql or Stage.Customer => rng.Between(0, 12),
            _ => rng.Between(0, 5),
        };
        if (p.Touches == 0)
        {
            return;
        }

        var span = stage == Stage.Working ? age : _anchor - p.CreatedAt;
        p.LastTouchAt = _anchor - rng.Between(IsoTime.Minute, Math.Max(IsoTime.Minute, span));
    }

    /// <summary>
    /// Recycled persons carry why (and sometimes which rule and when to look again): some rechecks are due, some are not.
    /// </summary>
    private void Recycle(Rng rng, PersonRow p, Stage stage, GeneratedAccount? account, long entered)
    {
        string? reason;
        if (stage == Stage.Nurture)
        {
            reason = NurtureReasonNames[NurtureReasons.Pick(rng)];
        }
        else if (stage == Stage.Disqualified)
        {
            reason = account is { Competitor: true } ? "competitor" : rng.Percent(70) ? rng.Pick(DisqualifyReasons) : null;
        }
        else
        {
            return;
        }

        p.RecycleReason = reason;
        if (reason == "student")
        {
            p.Title = rng.Pick(p.Country == "JP" ? NamePools.JpStudentTitles : NamePools.StudentTitles);
        }

        if (reason is null || !rng.Percent(stage == Stage.Nurture ? 70 : 50))
        {
            return;
        }

        var rule = _recycleByReason.GetValueOrDefault(reason);
        if (rule is null && stage == Stage.Disqualified)
        {
            return;
        }

        p.RecheckAt = entered + (long)(rule?.RecheckAfter ?? TimeSpan.FromDays(90)).TotalSeconds;
        if (rule is not null && rng.Percent(60))
        {
            p.RecycleRule = rule.Id;
        }
    }

    private void CustomFields(Rng rng, PersonRow p, bool hot)
    {
        var form = rng.Next(100);
        p.LastForm = hot ? "Demo request" : form switch
        {
            < 20 => "Demo request",
            < 42 => "Contact us",
            < 58 => "Whitepaper",
            _ => null,
        };
        if (p.LastForm is not null)
        {
            var ago = hot ? rng.Between(10 * IsoTime.Minute, 3 * IsoTime.Day)
                : rng.Percent(15) ? rng.Between(5 * IsoTime.Minute, 12 * IsoTime.Hour)
                : rng.Between(12 * IsoTime.Hour, 60 * IsoTime.Day);
            p.LastFormAt = Math.Max(p.CreatedAt, _anchor - ago);
        }

        if (rng.Percent(75))
        {
            p.PricingViews = PricingViewWeights.Pick(rng);
        }

        if (rng.Percent(25))
        {
            p.LastEvent = rng.Percent(60) ? "webinar" : "seminar";
            p.LastEventAt = Math.Max(p.CreatedAt, _anchor - rng.Between(IsoTime.Day, 120 * IsoTime.Day));
        }

        if (rng.Percent(30))
        {
            p.Intent = rng.Pick(NamePools.Intents);
        }
    }
}
