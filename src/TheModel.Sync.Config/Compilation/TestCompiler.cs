using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>
/// <c>tests:</c> (section 11): each test's person, accounts and expectations are read and checked against the rest
/// of the config here; running them is the test runner's job.
/// </summary>
internal static class TestCompiler
{
    private static readonly string[] Outcomes = ["assigned", "kept"];
    private static readonly string[] Computed = ["score", "fit", "engagement", "segment"];
    private static readonly string[] Nullable = ["rule", "owner", "team", "segment", "account", "because", "recycle_reason", "recheck_at"];

    public static List<ConfigTest> Compile(CompileContext context, YamlNode section)
    {
        var tests = new List<ConfigTest>();
        if (context.Sequence(section) is not { } items)
        {
            return tests;
        }

        var names = new SymbolTable<ConfigTest>("test");
        foreach (var item in items.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.Test, "test");
            var nameNode = CompileContext.Get(mapping, "name");
            var name = nameNode is null ? null : context.Text(nameNode);
            var label = name is null ? "test" : $"test '{name}'";
            var ok = context.Require(mapping, label, "name", "person", "expect");
            if (name is not null)
            {
                ok &= names.Declare(context, nameNode!, name, null, "name");
            }

            DateTimeOffset? at = null;
            if (CompileContext.Get(mapping, "at") is { } atNode)
            {
                at = context.Timestamp(atNode);
                ok &= at is not null;
            }

            var accounts = new List<Account>();
            if (CompileContext.Get(mapping, "accounts") is { } accountsNode)
            {
                ok &= ReadAccounts(context, accountsNode, accounts);
            }

            Person? person = null;
            if (CompileContext.Get(mapping, "person") is { } personNode)
            {
                person = ReadPerson(context, personNode, label, name ?? "test", accounts);
            }

            var expect = new List<ConfigExpectation>();
            if (CompileContext.Get(mapping, "expect") is { } expectNode)
            {
                ok &= ReadExpect(context, expectNode, label, expect);
            }

            // A test sees only its own accounts: expecting another could never pass, which is a mistake to say now.
            foreach (var e in expect)
            {
                if (e.Key == "account" && !e.Expected.IsMissing &&
                    !accounts.Exists(a => string.Equals(a.Id, e.Expected.AsString, StringComparison.OrdinalIgnoreCase)))
                {
                    context.Diagnostics.Add(e.Position, ErrorCodes.BadTest,
                        $"{label} expects account '{e.ExpectedText}', which is not one of the test's accounts{Suggestions.Hint(e.ExpectedText, [.. accounts.Select(a => a.Id)])}");
                    ok = false;
                }
            }

            if (ok && name is not null && person is not null)
            {
                tests.Add(new ConfigTest(name, item.Start, at, person, accounts, expect));
            }
        }

        return tests;
    }

    private static Person? ReadPerson(CompileContext context, YamlNode node, string label, string defaultId, List<Account> accounts)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        if (mapping.Count == 0)
        {
            context.Error(mapping, ErrorCodes.BadTest, $"{label} has a person without any field");
            return null;
        }

        var ok = true;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        Dictionary<string, Value>? custom = null;
        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, "person"))
            {
                ok = false;
            }
            else if (Computed.Contains(key.Text, StringComparer.Ordinal))
            {
                context.Error(key, ErrorCodes.BadTest, $"'{key.Text}' is computed; a test person cannot give it");
                ok = false;
            }
            else if (key.Text == "fields")
            {
                custom = ReadCustomFields(context, value);
                ok &= custom is not null;
            }
            else if (key.Text == "account")
            {
                var id = context.Text(value);
                if (id is not null && !accounts.Exists(a => a.Id == id))
                {
                    context.Error(value, ErrorCodes.BadTest, $"{label}: person account '{id}' is not one of the test's accounts");
                    id = null;
                }

                ok &= id is not null;
                values[key.Text] = id;
            }
            else if (!KnownKeys.TestPerson.Contains(key.Text, StringComparer.Ordinal) || !CanonicalFields.TryResolve(key.Text, out var field))
            {
                context.Error(key, ErrorCodes.UnknownField, $"unknown field '{key.Text}'{Suggestions.Hint(key.Text, KnownKeys.TestPerson)}");
                ok = false;
            }
            else if (value is YamlScalar { IsNull: true })
            {
                // Section 14: null is the same as missing, as in input files.
                values.Remove(key.Text);
            }
            else
            {
                var read = ReadField(context, field, value);
                ok &= read is not null;
                values[key.Text] = read;
            }
        }

        if (!ok)
        {
            return null;
        }

        string? S(string key) => values.GetValueOrDefault(key) as string;
        double? N(string key) => values.GetValueOrDefault(key) as double?;
        DateTimeOffset? T(string key) => values.GetValueOrDefault(key) as DateTimeOffset?;
        return new Person
        {
            Id = S("id") ?? defaultId,
            Crm = S("crm"),
            Email = S("email"),
            FirstName = S("first_name"),
            LastName = S("last_name"),
            Title = S("title"),
            Phone = S("phone"),
            Company = S("company"),
            Domain = S("domain"),
            Website = S("website"),
            Country = S("country"),
            State = S("state"),
            PostalCode = S("postal_code"),
            Employees = N("employees"),
            AnnualRevenue = N("annual_revenue"),
            Industry = S("industry"),
            Source = S("source"),
            Stage = values.GetValueOrDefault("stage") as Stage?,
            StageEnteredAt = T("stage_entered_at"),
            RecycleReason = S("recycle_reason"),
            RecycleRule = S("recycle_rule"),
            RecheckAt = T("recheck_at"),
            Owner = S("owner"),
            OwnerSetAt = T("owner_set_at"),
            OwnerSetBy = S("owner_set_by"),
            PreviousOwners = values.GetValueOrDefault("previous_owners") as IReadOnlyList<string>,
            CreatedAt = T("created_at"),
            UpdatedAt = T("updated_at"),
            LastTouchAt = T("last_touch_at"),
            Touches = N("touches"),
            AccountId = S("account"),
            Fields = custom,
        };
    }

    /// <summary>A record field's value by its canonical type; null (with an error reported) when it does not fit.</summary>
    private static object? ReadField(CompileContext context, FieldRef field, YamlNode value) => field.Type switch
    {
        FieldType.Number when field.Id is FieldId.Employees or FieldId.Touches => WholeNumber(context, value),
        FieldType.Number => context.Number(value),
        FieldType.Time => context.Timestamp(value),
        FieldType.Stage => TeamCompiler.StageName(context, value),
        FieldType.List => ReadStrings(context, value),
        _ => context.Text(value),
    };

    /// <summary>Section 2's integers (<c>employees</c>, <c>touches</c>): a test person no input file could carry is an error.</summary>
    private static object? WholeNumber(CompileContext context, YamlNode value)
    {
        if (context.Number(value) is not { } number)
        {
            return null;
        }

        if (number != Math.Floor(number))
        {
            context.Error(value, ErrorCodes.WrongShape, $"expected an integer, got {((YamlScalar)value).Text}");
            return null;
        }

        return number;
    }

    private static List<string>? ReadStrings(CompileContext context, YamlNode node)
    {
        if (context.Sequence(node) is not { } sequence)
        {
            return null;
        }

        var result = new List<string>();
        foreach (var item in sequence.Items)
        {
            if (context.Text(item) is not { } text)
            {
                return null;
            }

            result.Add(text);
        }

        return result;
    }

    private static Dictionary<string, Value>? ReadCustomFields(CompileContext context, YamlNode node)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        var result = new Dictionary<string, Value>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, "fields"))
            {
                ok = false;
                continue;
            }

            if (value is YamlScalar { IsNull: true })
            {
                continue;
            }

            if (SetCompiler.ScalarValue(context, value) is { } v)
            {
                result[key.Text] = v;
            }
            else
            {
                ok = false;
            }
        }

        return ok ? result : null;
    }

    private static bool ReadAccounts(CompileContext context, YamlNode node, List<Account> accounts)
    {
        if (context.Sequence(node) is not { } sequence)
        {
            return false;
        }

        var ids = new SymbolTable<Account>("account");
        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (context.Mapping(item) is not { } mapping)
            {
                ok = false;
                continue;
            }

            context.CheckKeys(mapping, KnownKeys.TestAccount, "account");
            ok &= context.Require(mapping, "account", "id");
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            Dictionary<string, Value>? custom = null;
            foreach (var (key, value) in mapping.Entries)
            {
                if (!KnownKeys.TestAccount.Contains(key.Text, StringComparer.Ordinal))
                {
                    ok = false;
                    continue;
                }

                object? read = key.Text switch
                {
                    "fields" => custom = ReadCustomFields(context, value),
                    "employees" => WholeNumber(context, value),
                    "annual_revenue" => context.Number(value),
                    "created_at" => context.Timestamp(value),
                    "type" => context.Choice(value, "account type", Account.Types) is var index and >= 0 ? Account.Types[index] : null,
                    _ => context.Text(value),
                };
                ok &= read is not null;
                values[key.Text] = read;
            }

            var id = values.GetValueOrDefault("id") as string;
            if (id is not null)
            {
                ok &= ids.Declare(context, CompileContext.Get(mapping, "id")!, id, null);
            }

            if (!ok || id is null)
            {
                continue;
            }

            string? S(string key) => values.GetValueOrDefault(key) as string;
            accounts.Add(new Account
            {
                Id = id,
                Name = S("name"),
                Domain = S("domain"),
                Website = S("website"),
                Owner = S("owner"),
                Type = S("type"),
                Employees = values.GetValueOrDefault("employees") as double?,
                AnnualRevenue = values.GetValueOrDefault("annual_revenue") as double?,
                Country = S("country"),
                Industry = S("industry"),
                CreatedAt = values.GetValueOrDefault("created_at") as DateTimeOffset?,
                Fields = custom,
            });
        }

        return ok;
    }

    private static bool ReadExpect(CompileContext context, YamlNode node, string label, List<ConfigExpectation> expect)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return false;
        }

        if (mapping.Count == 0)
        {
            context.Error(mapping, ErrorCodes.BadTest, $"{label} expects nothing; give at least one of {string.Join(", ", KnownKeys.TestExpect)}");
            return false;
        }

        context.CheckKeys(mapping, KnownKeys.TestExpect, "expect");
        var ok = true;
        foreach (var (key, value) in mapping.Entries)
        {
            if (!KnownKeys.TestExpect.Contains(key.Text, StringComparer.Ordinal))
            {
                ok = false;
                continue;
            }

            if (value is YamlScalar { IsNull: true } && Nullable.Contains(key.Text, StringComparer.Ordinal))
            {
                expect.Add(new ConfigExpectation(key.Text, Value.Missing, "null", key.Start));
                continue;
            }

            if (Expected(context, key.Text, value, label) is { } expected && value is YamlScalar scalar)
            {
                expect.Add(new ConfigExpectation(key.Text, expected, scalar.Text, key.Start));
            }
            else
            {
                ok = false;
            }
        }

        return ok;
    }

    private static Value? Expected(CompileContext context, string key, YamlNode value, string label)
    {
        switch (key)
        {
            case "outcome":
                return context.Choice(value, "outcome", Outcomes) is var index and >= 0 ? Value.Of(Outcomes[index]) : null;
            case "stage":
                return TeamCompiler.StageName(context, value) is { } stage ? Value.Of(stage.Name()) : null;
            case "score" or "fit" or "engagement":
                return context.Number(value) is { } number ? Value.Of(number) : null;
            case "account.matched":
                return context.Bool(value) is { } matched ? Value.Of(matched) : null;
            case "recheck_at":
                return context.Timestamp(value) is { } at ? Value.Of(at) : null;
        }

        if (context.Text(value) is not { } text)
        {
            return null;
        }

        switch (key)
        {
            case "rule" when !context.RoutingRules.Contains(text):
                context.Error(value, ErrorCodes.BadTest,
                    $"{label} expects rule '{text}', which is not a routing rule{Suggestions.Hint(text, context.RoutingRules.Ids)}");
                return null;
            case "owner" when !(context.Members.Contains(text) || context.Queues.Contains(text) || text == "external"):
                var owners = context.Members.Ids.Concat(context.Queues.Ids).Append("external");
                context.Error(value, ErrorCodes.UnknownMember,
                    $"unknown owner '{text}'; owners are member ids, queue keys or external{Suggestions.Hint(text, owners)}");
                return null;
            case "team" when !context.Teams.Contains(text):
                context.Error(value, ErrorCodes.UnknownTeam, $"unknown team '{text}'{Suggestions.Hint(text, context.Teams.Ids)}");
                return null;
            case "segment" when !context.Segments.Contains(text):
                context.Error(value, ErrorCodes.UnknownSegment, $"unknown segment '{text}'{Suggestions.Hint(text, context.Segments.Ids)}");
                return null;
            default:
                return Value.Of(text);
        }
    }
}
