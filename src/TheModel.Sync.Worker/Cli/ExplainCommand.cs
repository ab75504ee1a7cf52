using System.CommandLine;
using System.Text;
using System.Text.Json;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Cli;

/// <summary>
/// <c>explain</c>: one person's decision in plain words. With <c>--config</c> the person (JSON, @FILE, or an id in
/// <c>--people</c>) is evaluated now, exactly as before the live mode existed; without it, <c>--person CRM:ID</c> reads
/// the person's last decisions from the decision log (<see cref="LiveExplain"/>). Whether --config is given is the
/// whole rule: a CRM:ID with --config is an id to look up in --people, as it always was.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "The routing config (a file or a folder). With it, explain evaluates --person now; without it, explain reads the decision log." };
        var person = new Option<string>("--person")
        {
            Description = "With --config: a JSON object, @FILE holding one (@- for standard input), or an id to look up in --people. Without --config: CRM:ID, "
                + "the CRM (salesforce or hubspot, any case) and the person's id in it (hubspot:1344, salesforce:00Q5g00000AbCdEEAV; a 15-character "
                + "Salesforce id is read as its 18-character form), whose last decisions are read from the decision log.",
            Required = true,
        };
        var people = new Option<string?>("--people") { Description = "Persons file to find --person ID in (its state seeds open counts and ownership)." };
        var accounts = new Option<string?>("--accounts") { Description = "Accounts, JSON Lines or CSV, gzip-compressed or not." };
        var opportunities = new Option<string?>("--opportunities") { Description = "Opportunities: each account's latest lost one is what rechecks see as opportunity.*." };
        var at = new Option<string?>("--at") { Description = "Evaluation time, ISO 8601 with an offset (default: now)." };
        var json = new Option<bool>("--json") { Description = "Print the decision record (JSON) instead of words; from the log, the lines as they are." };
        var decisions = new Option<string?>("--decisions") { Description = "Without --config: read this decision log file (JSON Lines) instead of the live log in Redis." };
        var last = new Option<int>("--last") { Description = "Without --config: how many of the person's latest decisions to show (default 3).", DefaultValueFactory = _ => 3 };
        var command = new Command(
            "explain",
            "Explain the decision for one person: which rules did not apply and why, who was excluded and why, the score's parts. "
            + "With --config, the person is evaluated at --at (default now). Without --config, --person CRM:ID shows that person's last decisions from the decision log: "
            + "the live log in Redis (found as `run` finds it: Redis:Configuration in appsettings.json, Redis__Configuration, or --Redis:Configuration=HOST:PORT), "
            + "or --decisions FILE.")
        {
            config, person, people, accounts, opportunities, at, json, decisions, last,
        };

        // Settings for the live log (--Redis:Configuration=...) are tokens the parser does not know; they are checked below.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var configPath = parse.GetValue(config);
            var unmatched = parse.UnmatchedTokens;
            if (configPath is null)
            {
                if (!DecisionLogSource.TrySettings([.. unmatched], Console.Error, out var settings))
                {
                    return CliSupport.ExitError;
                }

                return await LiveExplain.RunAsync(parse.GetValue(person)!, parse.GetValue(decisions), parse.GetValue(last), parse.GetValue(json), settings, Console.Out, Console.Error, ct);
            }

            if (unmatched.Count > 0 || parse.GetValue(decisions) is not null)
            {
                foreach (var token in unmatched)
                {
                    Console.Error.WriteLine($"error: unrecognized argument '{token}'");
                }

                if (parse.GetValue(decisions) is not null)
                {
                    Console.Error.WriteLine("error: --decisions reads the decision log and does not go with --config (drop --config to read the log)");
                }

                return CliSupport.ExitError;
            }

            return await RunAsync(
                configPath, parse.GetValue(person)!, parse.GetValue(people), parse.GetValue(accounts), parse.GetValue(at),
                parse.GetValue(json), Console.Out, Console.Error, TimeProvider.System, parse.GetValue(opportunities), ct);
        });
        return command;
    }

    internal static async Task<int> RunAsync(string configPath, string personText, string? peoplePath, string? accountsPath, string? atText, bool asJson,
        TextWriter stdout, TextWriter log, TimeProvider clock, string? opportunitiesPath = null, CancellationToken cancellationToken = default)
    {
        (peoplePath, accountsPath, opportunitiesPath) = (CliSupport.StdinFor(peoplePath), CliSupport.StdinFor(accountsPath), CliSupport.StdinFor(opportunitiesPath));

        // Pipes are sniffed for their format before they are read: they are copied first, and gzip files decompressed.
        using var copies = await CliSupport.PrepareInputsAsync(cancellationToken, peoplePath, accountsPath, opportunitiesPath);
        if (!copies.Report(log))
        {
            return CliSupport.ExitError;
        }

        // The accounts and opportunities are read while the config loads (a missing file is reported below).
        var reading = CliSupport.InputsExist(TextWriter.Null, accountsPath, opportunitiesPath)
            ? Simulator.ReadInputsAhead(copies.Of(accountsPath), copies.Of(opportunitiesPath))
            : null;
        var loaded = CliSupport.LoadConfig(configPath, log);
        if (loaded is null || !CliSupport.TryParseAt(atText, clock, out var at, log) || !CliSupport.InputsExist(log, peoplePath, accountsPath, opportunitiesPath))
        {
            return CliSupport.ExitError;
        }

        var inputs = reading is null ? Simulator.ReadInputs(copies.Of(accountsPath), copies.Of(opportunitiesPath)) : await reading;
        foreach (var r in inputs.Rejects)
        {
            log.WriteLine($"{r.File}:{r.Line}: rejected: {r.Reason}");
        }

        var session = new SimulationSession(loaded.Rules, inputs.Accounts, inputs.Opportunities);
        var rejects = inputs.Rejects.Count;
        Person? subject;
        var trimmed = personText.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('@'))
        {
            string text;
            if (trimmed.StartsWith('@'))
            {
                // @- is standard input: echo '{…}' | themodel-sync explain --person @- …
                var file = CliSupport.StdinFor(trimmed[1..].Trim());
                if (file.Length == 0)
                {
                    log.WriteLine("error: --person @ names no file; write @FILE");
                    return CliSupport.ExitError;
                }

                if (!CliSupport.InputsExist(log, file))
                {
                    return CliSupport.ExitError;
                }

                var bytes = await File.ReadAllBytesAsync(file);
                if (!System.Text.Unicode.Utf8.IsValid(bytes))
                {
                    log.WriteLine($"error: --person: '{file}' is not valid UTF-8");
                    return CliSupport.ExitError;
                }

                text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');
            }
            else
            {
                text = personText;
            }

            if (!TryOnePerson(text, out var line, out var problem))
            {
                log.WriteLine($"error: --person: {problem}");
                return CliSupport.ExitError;
            }

            var record = InputFiles.ReadJsonLines(new MemoryStream(Encoding.UTF8.GetBytes(line))).FirstOrDefault();
            if (record is null || record.Error is not null)
            {
                log.WriteLine($"error: --person: {record?.Error ?? "empty"}");
                return CliSupport.ExitError;
            }

            if (!RecordBuilders.TryPerson(record.Values, out subject, out var error))
            {
                log.WriteLine($"error: --person: {error}");
                return CliSupport.ExitError;
            }

            if (peoplePath is not null)
            {
                rejects += Seed(session, copies[peoplePath], log, null, out _);
            }
            else
            {
                session.Seed(subject!);
            }
        }
        else
        {
            if (peoplePath is null)
            {
                log.WriteLine($"error: --person '{personText}' is an id; give --people FILE to look it up in, or pass the person as JSON");
                return CliSupport.ExitError;
            }

            rejects += Seed(session, copies[peoplePath], log, personText, out subject);
            if (subject is null)
            {
                log.WriteLine(rejects > inputs.Rejects.Count
                    ? $"error: no readable person with id '{personText}' in {peoplePath} (lines that could not be read are listed above)"
                    : $"error: no person with id '{personText}' in {peoplePath}");
                return CliSupport.ExitError;
            }
        }

        var decision = session.Engine.Evaluate(subject!, at, session.State);
        stdout.Write(asJson ? DecisionJson.ToJson(decision) + Environment.NewLine : DecisionText.Render(decision, subject!));
        return rejects > 0 ? CliSupport.ExitBadLines : CliSupport.ExitOk;
    }

    /// <summary>
    /// The person of <c>--person</c> as one JSON line: a single object, on one line or pretty-printed over many. Several
    /// objects (a JSON Lines file of persons) are refused: explain takes one person, and picking the first would be a guess.
    /// </summary>
    private static bool TryOnePerson(string text, out string line, out string? problem)
    {
        line = text.Trim();
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            using var compact = new MemoryStream();
            using (var writer = new Utf8JsonWriter(compact))
            {
                document.RootElement.WriteTo(writer);
            }

            line = Encoding.UTF8.GetString(compact.ToArray());
            return true;
        }
        catch (InvalidOperationException e)
        {
            // A \ud800 escape without its pair: no text can be made of it.
            problem = "invalid text: " + e.Message;
            return false;
        }
        catch (JsonException)
        {
            var lines = line.Split('\n').Count(l => !string.IsNullOrWhiteSpace(l));
            if (lines > 1 && line.Split('\n').All(l => string.IsNullOrWhiteSpace(l) || l.TrimStart().StartsWith('{')))
            {
                problem = $"{lines} lines of JSON; explain takes one person (for a file of persons, give --people FILE --person ID)";
                return false;
            }

            // One malformed object: the line reader names the problem as simulate would.
            return true;
        }
    }

    /// <summary>Seeds the session with every readable person of the file; lines that cannot be read are reported, as simulate reports them.</summary>
    private static int Seed(SimulationSession session, string peoplePath, TextWriter log, string? find, out Person? found)
    {
        found = null;
        var rejects = 0;
        var times = 0;
        foreach (var (p, reject) in PersonSource.ReadPersons(peoplePath))
        {
            if (p is null)
            {
                if (reject is not null)
                {
                    rejects++;
                    log.WriteLine($"{reject.File}:{reject.Line}: rejected: {reject.Reason}");
                }

                continue;
            }

            session.Seed(p);
            if (find is not null && p.Id == find)
            {
                found ??= p;
                times++;
            }
        }

        if (times > 1)
        {
            // simulate would decide once per line; explain shows one decision, and says which.
            log.WriteLine($"warning: person '{find}' is in {InputFiles.GivenPath(peoplePath)} {times} times; explaining the first");
        }

        return rejects;
    }
}
