using System.Globalization;
using System.Text;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Application.Generation;

/// <summary>One generated account, as written to <c>accounts.jsonl</c> and as persons and opportunities see it.</summary>
internal sealed class GeneratedAccount
{
    public required int Index { get; init; }

    public string Id => "a" + (Index + 1).ToString(CultureInfo.InvariantCulture);

    public required string Name { get; init; }

    /// <summary>The name without its legal form, in the script of <see cref="Name"/> (variants are built from it).</summary>
    public required string Core { get; init; }

    public required bool Kanji { get; init; }

    public required string Country { get; init; }

    public bool Japan => Country == "JP";

    /// <summary>The registrable domain persons' e-mail addresses use.</summary>
    public required string Domain { get; init; }

    /// <summary>Whether the record carries <c>domain</c> (else only <c>website</c>).</summary>
    public required bool WritesDomain { get; init; }

    public string? Website { get; init; }

    public required string Type { get; init; }

    public required int Employees { get; init; }

    public required long AnnualRevenue { get; init; }

    public required string Industry { get; init; }

    public required long CreatedAt { get; init; }

    public string? Owner { get; init; }

    public Member? OwnerMember { get; init; }

    public bool Abm { get; init; }

    public bool Competitor { get; init; }

    /// <summary>The account this one duplicates (same domain, a variant of its name), or -1.</summary>
    public int DuplicateOf { get; init; } = -1;
}

/// <summary>
/// The accounts of a data set as a pure function of (seed, index): any account can be rebuilt on demand, so persons
/// and opportunities refer to accounts without the generator keeping them in memory. Account names come from a
/// permutation of the name pools, so two accounts share a domain only when one is a planned duplicate of the other.
/// </summary>
internal sealed class AccountCatalog
{
    private const ulong AttributeStream = 0xACC1;
    private const ulong IdentityStream = 0x1DE7;
    private const ulong PermutationStream = 0x9E27;
    private const int DuplicatePercent = 3;

    private static readonly Weighted TypeWeights = new(70, 15, 8, 7);
    private static readonly string[] Types = ["prospect", "customer", "former_customer", "partner"];
    private static readonly Weighted EmployeeBuckets = new(8, 27, 30, 20, 10, 5);
    private static readonly (int Min, int Max)[] EmployeeRanges =
        [(1, 9), (10, 49), (50, 199), (200, 999), (1_000, 4_999), (5_000, 50_000)];

    private static readonly Weighted KanjiForms = new(35, 30, 8, 7, 10, 10);
    private static readonly Weighted JpLatinForms = new(30, 45, 15, 10);
    private static readonly Weighted UsForms = new(35, 20, 15, 15, 5, 5, 5);

    private readonly ulong _seed;
    private readonly long _anchor;
    private readonly OwnerPool _owners;
    private readonly SpecialAccount[] _specials;
    private readonly bool[] _specialAbm;
    private readonly bool[] _specialCompetitor;
    private readonly Rng _rng = new(0);
    private readonly Rng _aux = new(0);
    private readonly Rng _identity = new(0);
    private readonly int _jpCombos;
    private readonly int _combos;
    private readonly int _bits;

    public AccountCatalog(RuleSet rules, ulong seed, int count, long anchor, OwnerPool owners)
    {
        _seed = seed;
        _anchor = anchor;
        _owners = owners;
        Count = count;
        var abm = rules.Lists.FirstOrDefault(l => l.Id == "abm-tier1");
        var competitors = rules.Lists.FirstOrDefault(l => l.Id == "competitors");
        _specials = [.. NamePools.Specials.Take(Math.Min(count, NamePools.Specials.Count))];
        _specialAbm = [.. _specials.Select(s => abm?.Contains(s.Domain) ?? s.Abm)];
        _specialCompetitor = [.. _specials.Select(s => competitors?.Contains(s.Domain) ?? s.Competitor)];
        AbmIndexes = [.. Enumerable.Range(0, _specials.Length).Where(i => _specialAbm[i])];
        CompetitorIndexes = [.. Enumerable.Range(0, _specials.Length).Where(i => _specialCompetitor[i])];
        _jpCombos = NamePools.JpFirst.Count * NamePools.JpSecond.Count;
        _combos = _jpCombos + (NamePools.UsFirst.Count * NamePools.UsSecond.Count);
        _bits = 1;
        while ((1 << _bits) < _combos)
        {
            _bits++;
        }
    }

    public int Count { get; }

    public int SpecialCount => _specials.Length;

    /// <summary>Indexes of the known accounts whose domain is in the rule set's <c>abm-tier1</c> list.</summary>
    public IReadOnlyList<int> AbmIndexes { get; }

    /// <summary>Indexes of the known accounts whose domain is in the rule set's <c>competitors</c> list.</summary>
    public IReadOnlyList<int> CompetitorIndexes { get; }

    /// <summary>The account's type without building the whole account (the first draw of its stream).</summary>
    public string TypeOf(int index)
    {
        if (index < _specials.Length)
        {
            return _specials[index].Type;
        }

        _aux.Reseed(Rng.Mix(_seed, AttributeStream, (ulong)index));
        return Types[TypeWeights.Pick(_aux)];
    }

    /// <summary>The account at <paramref name="index"/> (0-based; its id is <c>a{index + 1}</c>), the same on every call.</summary>
    public GeneratedAccount Build(int index) => index < _specials.Length ? BuildSpecial(index) : BuildGenerated(index);

    private GeneratedAccount BuildGenerated(int index)
    {
        _rng.Reseed(Rng.Mix(_seed, AttributeStream, (ulong)index));
        var type = Types[TypeWeights.Pick(_rng)];
        var duplicateOf = -1;
        if (IsDuplicateCandidate(index) && _rng.Percent(DuplicatePercent))
        {
            duplicateOf = RootOf(_specials.Length + _rng.Next(index - _specials.Length));
        }

        var slot = (duplicateOf >= 0 ? duplicateOf : index) - _specials.Length;
        var id = Identity(slot);
        var employees = Employees(_rng);
        string name;
        string core;
        bool kanji;
        if (duplicateOf < 0)
        {
            (name, core, kanji) = (id.Name, id.Core, id.Kanji);
        }
        else if (id.Japan && _rng.Percent(35))
        {
            // The same company entered again in the other script.
            kanji = !id.Kanji;
            core = kanji ? id.KanjiCore : id.LatinCore;
            name = kanji ? KanjiName(_rng, core) : JpLatinName(_rng, core);
        }
        else
        {
            (core, kanji) = (id.Core, id.Kanji);
            name = Variant(_rng, core, kanji, id.Japan);
        }

        var (writesDomain, website) = Web(_rng, id.Domain, id.Japan);
        var createdAt = _anchor - _rng.Between(30 * IsoTime.Day, 8 * 365 * IsoTime.Day);
        var (owner, ownerMember) = Owner(_rng, type, abm: false, id.Japan, employees);
        return new GeneratedAccount
        {
            Index = index,
            Name = name,
            Core = core,
            Kanji = kanji,
            Country = id.Japan ? "JP" : "US",
            Domain = id.Domain,
            WritesDomain = writesDomain,
            Website = website,
            Type = type,
            Employees = employees,
            AnnualRevenue = Revenue(_rng, employees),
            Industry = id.Industry,
            CreatedAt = createdAt,
            Owner = owner,
            OwnerMember = ownerMember,
            DuplicateOf = duplicateOf,
        };
    }

    private GeneratedAccount BuildSpecial(int index)
    {
        var s = _specials[index];
        _rng.Reseed(Rng.Mix(_seed, AttributeStream, (ulong)index));
        var japan = s.Country == "JP";
        var (owner, member) = _specialCompetitor[index] ? (null, null) : Owner(_rng, s.Type, _specialAbm[index], japan, s.Employees);
        return new GeneratedAccount
        {
            Index = index,
            Name = s.Name,
            Core = s.Core,
            Kanji = s.Kanji,
            Country = s.Country,
            Domain = s.Domain,
            WritesDomain = true,
            Website = _rng.Percent(50) ? "https://www." + s.Domain + "/" : null,
            Type = s.Type,
            Employees = s.Employees,
            AnnualRevenue = Revenue(_rng, s.Employees),
            Industry = s.Industry,
            CreatedAt = _anchor - _rng.Between(400 * IsoTime.Day, 6 * 365 * IsoTime.Day),
            Owner = owner,
            OwnerMember = member,
            Abm = _specialAbm[index],
            Competitor = _specialCompetitor[index],
        };
    }

    private bool IsDuplicateCandidate(int index) => index >= _specials.Length + 10;

    /// <summary>Follows duplicates back to the account they copy.</summary>
    private int RootOf(int index)
    {
        while (true)
        {
            if (!IsDuplicateCandidate(index))
            {
                return index;
            }

            _aux.Reseed(Rng.Mix(_seed, AttributeStream, (ulong)index));
            TypeWeights.Pick(_aux);
            if (!_aux.Percent(DuplicatePercent))
            {
                return index;
            }

            index = _specials.Length + _aux.Next(index - _specials.Length);
        }
    }

    /// <summary>What an account slot is called: its name words, domain and market.</summary>
    internal Identity Identity(int slot)
    {
        var level = slot / _combos;
        var p = Permute(slot % _combos, level);
        var qualifierIndex = level % NamePools.JpQualifiers.Count;
        var tier = level / NamePools.JpQualifiers.Count;
        var number = tier > 0 ? (tier + 1).ToString(CultureInfo.InvariantCulture) : string.Empty;
        _identity.Reseed(Rng.Mix(_seed, IdentityStream, (ulong)slot));
        if (p < _jpCombos)
        {
            var first = NamePools.JpFirst[p % NamePools.JpFirst.Count];
            var second = NamePools.JpSecond[p / NamePools.JpFirst.Count];
            var qualifier = NamePools.JpQualifiers[qualifierIndex];
            var slug = first.Slug + "-" + second.Slug + (qualifier.Slug.Length > 0 ? "-" + qualifier.Slug : string.Empty) + number;
            var tld = _identity.Next(100) switch
            {
                < 55 => ".co.jp",
                < 75 => ".jp",
                < 90 => ".example",
                _ => ".com",
            };
            var kanjiCore = first.Japanese + second.Japanese + qualifier.Japanese + number;
            var latinCore = first.Latin + " " + second.Latin + (qualifier.Latin.Length > 0 ? " " + qualifier.Latin : string.Empty)
                + (number.Length > 0 ? " " + number : string.Empty);
            var kanji = _identity.Percent(55);
            var core = kanji ? kanjiCore : latinCore;
            var name = kanji ? KanjiName(_identity, core) : JpLatinName(_identity, core);
            return new Identity(slug + tld, name, core, kanji, true, kanjiCore, latinCore, second.Industry);
        }
        else
        {
            var q = p - _jpCombos;
            var first = NamePools.UsFirst[q % NamePools.UsFirst.Count];
            var second = NamePools.UsSecond[q / NamePools.UsFirst.Count];
            var qualifier = NamePools.UsQualifiers[qualifierIndex];
            var slug = first.Slug + second.Slug + qualifier.Slug + number;
            var tld = _identity.Percent(70) ? ".com" : ".example";
            var core = first.Latin + " " + second.Latin + (qualifier.Latin.Length > 0 ? " " + qualifier.Latin : string.Empty)
                + (number.Length > 0 ? " " + number : string.Empty);
            var name = UsName(_identity, core);
            return new Identity(slug + tld, name, core, false, false, core, core, second.Industry);
        }
    }

    /// <summary>A bijection of [0, combos) per level: an invertible mix on the next power of two, walked until in range.</summary>
    private int Permute(int x, int level)
    {
        var mask = (1u << _bits) - 1;
        var key = (uint)Rng.Mix(_seed, PermutationStream, (ulong)level);
        var v = (uint)x;
        do
        {
            v = ((v ^ key) * 0x2C1B3C6Du) & mask;
            v ^= v >> ((_bits / 2) + 1);
            v = ((v + (key >> 16)) * 0x297A2D39u) & mask;
            v ^= v >> ((_bits / 3) + 1);
        }
        while (v >= (uint)_combos);

        return (int)v;
    }

    private (string? Owner, Member? Member) Owner(Rng rng, string type, bool abm, bool japan, int employees)
    {
        var hubSpot = rng.Percent(30);
        var r = rng.Next(100);
        if (r < 3 && _owners.PickInactive(rng) is { } inactive)
        {
            return (OwnerPool.Render(rng, inactive, hubSpot), inactive);
        }

        if (r < 5 && _owners.PickExternal(rng) is { } external)
        {
            return (external, null);
        }

        var roll = rng.Next(100);
        var member = type switch
        {
            "customer" => roll < 90 ? _owners.PickFirst(rng, japan, null, TeamRole.CSM, TeamRole.AE) : _owners.PickAe(rng, japan, employees >= 1000, null),
            "former_customer" => roll < 50 ? _owners.PickFirst(rng, japan, null, TeamRole.CSM, TeamRole.AE) : _owners.PickAe(rng, japan, employees >= 1000, null),
            _ when abm => roll < 70 ? _owners.PickFirst(rng, japan, null, TeamRole.EBR, TeamRole.AE) : _owners.PickAe(rng, japan, true, null),
            "partner" => roll < 60 ? _owners.PickFirst(rng, japan, null, TeamRole.AE, TeamRole.SR) : null,
            _ => roll switch
            {
                < 55 => _owners.PickAe(rng, japan, employees >= 1000, null),
                < 65 => _owners.PickFirst(rng, japan, null, TeamRole.SR, TeamRole.AE),
                _ => null,
            },
        };
        return member is null ? (null, null) : (OwnerPool.Render(rng, member, hubSpot), member);
    }

    private static (bool WritesDomain, string? Website) Web(Rng rng, string domain, bool japan)
    {
        var r = rng.Next(100);
        if (r < 70)
        {
            return (true, null);
        }

        var website = rng.Next(4) switch
        {
            0 => "https://www." + domain + "/about",
            1 => "https://www." + domain + "/",
            2 => "http://" + domain,
            _ => japan ? "https://www." + domain + "/ja/company/" : "https://" + domain + "/company",
        };
        return (r >= 85, website);
    }

    private static int Employees(Rng rng)
    {
        var (min, max) = EmployeeRanges[EmployeeBuckets.Pick(rng)];
        var n = rng.Between(min, max);
        return n >= 1000 ? n / 10 * 10 : n;
    }

    private static long Revenue(Rng rng, int employees) => employees * (long)rng.Between(60, 400) * 1000;

    private static string KanjiName(Rng rng, string core) => KanjiForms.Pick(rng) switch
    {
        0 => "株式会社" + core,
        1 => core + "株式会社",
        2 => "(株)" + core,
        3 => "㈱" + core,
        4 => "有限会社" + core,
        _ => "合同会社" + core,
    };

    private static string JpLatinName(Rng rng, string core) => JpLatinForms.Pick(rng) switch
    {
        0 => core + " K.K.",
        1 => core + " Co., Ltd.",
        2 => core + " Corporation",
        _ => core + " Inc.",
    };

    private static string UsName(Rng rng, string core) => UsForms.Pick(rng) switch
    {
        0 => core + " Inc.",
        1 => core + " LLC",
        2 => core + " Corporation",
        3 => core + " Corp.",
        4 => core + " Ltd",
        5 => core + " Co.",
        _ => core,
    };

    /// <summary>
    /// The company name as someone else typed it: another legal form, other case, full-width letters, no spaces. It
    /// normalizes (section 14) to the same or a very similar name, so company-name matching finds the account.
    /// </summary>
    public static string Variant(Rng rng, string core, bool kanji, bool japan)
    {
        if (kanji)
        {
            return rng.Next(7) switch
            {
                0 => "株式会社" + core,
                1 => core + "株式会社",
                2 => "(株)" + core,
                3 => "㈱" + core,
                4 => "（株）" + core,
                5 => core + " 株式会社",
                _ => core,
            };
        }

        return rng.Next(10) switch
        {
            0 => core + " Inc.",
            1 => core + ", Inc.",
            2 => core + " LLC",
            3 => core + " Corp.",
            4 => core + " Co., Ltd.",
            5 => core.ToUpperInvariant() + (japan ? " K.K." : " INC"),
            6 => core.ToLowerInvariant(),
            7 => FullWidth(core) + (japan ? "株式会社" : string.Empty),
            8 => core.Replace(" ", string.Empty, StringComparison.Ordinal) + (japan ? " Co., Ltd." : " Inc."),
            _ => core,
        };
    }

    /// <summary>ASCII letters and digits as their full-width forms (ＡＣＭＥ), spaces as ideographic spaces.</summary>
    public static string FullWidth(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                ' ' => '\u3000',
                >= '!' and <= '~' => (char)(c + 0xFEE0),
                _ => c,
            });
        }

        return sb.ToString();
    }
}

/// <summary>What an account slot is called.</summary>
internal sealed record Identity(
    string Domain,
    string Name,
    string Core,
    bool Kanji,
    bool Japan,
    string KanjiCore,
    string LatinCore,
    string Industry);
