using TheModel.Sync.Config.Diagnostics;
using TheModel.Sync.Config.Loading;
using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Model;

namespace TheModel.Sync.Config.Compilation;

/// <summary>
/// Merges the files by top-level key, then compiles the sections in dependency order (what is referred to before
/// what refers to it). Every section is compiled even when an earlier one had errors, so that one run reports
/// everything; the rule set is built only when there were none.
/// </summary>
internal static class ConfigCompiler
{
    public static ConfigLoadResult Compile(IReadOnlyList<ConfigFile> files, DiagnosticBag diagnostics)
    {
        var config = files.Count == 0 ? null : CompileFiles(files, diagnostics);
        return new ConfigLoadResult(diagnostics.HasErrors ? null : config, Ordered(files, diagnostics));
    }

    private static LoadedConfig? CompileFiles(IReadOnlyList<ConfigFile> files, DiagnosticBag diagnostics)
    {
        var context = new CompileContext(diagnostics) { SomeFileUnread = files.Any(f => f.Root is null) };
        var sections = Merge(context, files);
        YamlNode? Section(string key) => sections.TryGetValue(key, out var s) ? s.Value : null;

        CheckVersion(context, files, Section("version"));

        if (Section("calendars") is { } calendars)
        {
            CalendarCompiler.Compile(context, calendars);
        }

        var crms = CrmCompiler.Compile(context, Section("crm"));
        var teams = Section("teams") is { } teamsNode ? TeamCompiler.Compile(context, teamsNode) : [];
        if (sections.TryGetValue("lists", out var lists))
        {
            ListCompiler.Compile(context, lists.Value, lists.File.Directory);
        }

        var matching = MatchingCompiler.Compile(context, Section("matching"));
        var segments = Section("segments") is { } segmentsNode ? ScoringCompiler.CompileSegments(context, segmentsNode) : [];
        var scoring = Section("scoring") is { } scoringNode ? ScoringCompiler.Compile(context, scoringNode) : new Scoring();
        var routing = Section("routing") is { } routingNode ? RoutingCompiler.Compile(context, routingNode) : [];
        var slas = Section("sla") is { } slaNode ? SlaCompiler.Compile(context, slaNode, teams) : [];
        var recycle = Section("recycle") is { } recycleNode ? RecycleCompiler.Compile(context, recycleNode) : [];
        var report = ReportCompiler.Compile(context, Section("report"));
        var tests = Section("tests") is { } testsNode ? TestCompiler.Compile(context, testsNode) : [];

        if (diagnostics.HasErrors)
        {
            return null;
        }

        var version = ConfigSource.Version(files.Select(f => (f.FileName, f.Bytes)).Concat(context.ListFiles));
        var rules = new RuleSet(
            version,
            [.. context.Calendars.Values],
            teams,
            [.. context.Queues.Values],
            [.. context.Lists.Values],
            matching,
            segments,
            scoring,
            routing,
            slas,
            recycle,
            crms)
        {
            CustomPersonFields = [.. context.CustomPersonFields],
            CustomAccountFields = [.. context.CustomAccountFields],
            Report = report,
        };
        return new LoadedConfig(rules, tests, version, [.. files.Select(f => f.DisplayPath)]) { ListFiles = [.. context.ListFilePaths] };
    }

    private static Dictionary<string, (YamlScalar Key, YamlNode Value, ConfigFile File)> Merge(CompileContext context, IReadOnlyList<ConfigFile> files)
    {
        var sections = new Dictionary<string, (YamlScalar Key, YamlNode Value, ConfigFile File)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (file.Root is null || context.Mapping(file.Root) is not { } root)
            {
                continue;
            }

            foreach (var (key, value) in root.Entries)
            {
                if (!KnownKeys.TopLevel.Contains(key.Text, StringComparer.Ordinal))
                {
                    context.UnknownKey(key, CompileContext.TopLevel, KnownKeys.TopLevel);
                }
                else if (sections.TryGetValue(key.Text, out var first))
                {
                    context.Error(key, ErrorCodes.TopLevelKeyTwice,
                        $"top-level key '{key.Text}' is defined in both {first.File.DisplayPath} and {file.DisplayPath}");
                }
                else
                {
                    sections[key.Text] = (key, value, file);
                }
            }
        }

        return sections;
    }

    private static void CheckVersion(CompileContext context, IReadOnlyList<ConfigFile> files, YamlNode? version)
    {
        if (version is null)
        {
            // A file that could not be parsed may well hold the version: saying it is missing would mislead.
            if (files.All(f => f.Root is not null))
            {
                context.Diagnostics.Add(files[0].DisplayPath, 1, 1, ErrorCodes.MissingKey, "version is required");
            }

            return;
        }

        if (version is YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } scalar)
        {
            if (!(scalar.TryGetDouble(out var number) && number == 1))
            {
                context.Error(version, ErrorCodes.BadVersion, $"version must be 1, was {scalar.Text}");
            }

            return;
        }

        context.Error(version, ErrorCodes.WrongShape, $"expected a number, got {CompileContext.Describe(version)}");
    }

    /// <summary>By file (in load order), line and column; diagnostics at one position keep the order they were found in.</summary>
    private static List<ConfigDiagnostic> Ordered(IReadOnlyList<ConfigFile> files, DiagnosticBag diagnostics)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            order.TryAdd(file.DisplayPath, order.Count);
        }

        return [.. diagnostics
            .OrderBy(d => order.GetValueOrDefault(d.File, -1))
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)];
    }
}
