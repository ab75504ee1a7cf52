using System.CommandLine;
using System.Text;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Application.Output;
using TheModel.Sync.Application.Simulation;
using TheModel.Sync.Core.Engine;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Worker.Cli;

/// <summary><c>explain</c>: one person's decision in plain words.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The routing config (a file or a folder).", Required = true };
        var person = new Option<string>("--person") { Description = "The person: a JSON object, @FILE holding one, or an id to look up in --people.", Required = true };
        var people = new Option<string?>("--people") { Description = "Persons file to find --person ID in (its state seeds open counts and ownership)." };
        var accounts = new Option<string?>("--accounts") { Description = "Accounts, JSON Lines or CSV." };
        var opportunities = new Option<string?>("--opportunities") { Description = "Opportunities: each account's latest lost one is what rechecks see as opportunity.*." };
        var at = new Option<string?>("--at") { Description = "Evaluation time, ISO 8601 with an offset (default: now)." };
        var json = new Option<bool>("--json") { Description = "Print the decision record (JSON) instead of words." };
        var command = new Command("explain", "Explain the decision for one person: which rules did not apply and why, who was excluded and why, the score's parts.")
        {
            config, person, people, accounts, opportunities, at, json,
        };
        command.SetAction(parse => Run(
            parse.GetValue(config)!, parse.GetValue(person)!, parse.GetValue(people), parse.GetValue(accounts), parse.GetValue(at),
            parse.GetValue(json), Console.Out, Console.Error, TimeProvider.System, parse.GetValue(opportunities)));
        return command;
    }

    internal static int Run(string configPath, string personText, string? peoplePath, string? accountsPath, string? atText, bool asJson,
        TextWriter stdout, TextWriter log, TimeProvider clock, string? opportunitiesPath = null)
    {
        var loaded = CliSupport.LoadConfig(configPath, log);
        if (loaded is null || !CliSupport.TryParseAt(atText, clock, out var at, log))
        {
            return CliSupport.ExitError;
        }

        var rejects = new List<InputReject>();
        var accounts = accountsPath is null ? [] : PersonSource.ReadAccounts(accountsPath, rejects);
        var opportunities = opportunitiesPath is null ? [] : PersonSource.ReadOpportunities(opportunitiesPath, rejects);
        foreach (var r in rejects)
        {
            log.WriteLine($"{r.File}:{r.Line}: rejected: {r.Reason}");
        }

        var session = new SimulationSession(loaded.Rules, accounts, opportunities);
        Person? subject;
        var trimmed = personText.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('@'))
        {
            var text = trimmed.StartsWith('@') ? File.ReadAllText(trimmed[1..]) : personText;
            var record = InputFiles.ReadJsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text.Trim()))).FirstOrDefault();
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
                Seed(session, peoplePath);
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

            subject = Seed(session, peoplePath, personText);
            if (subject is null)
            {
                log.WriteLine($"error: no person with id '{personText}' in {peoplePath}");
                return CliSupport.ExitError;
            }
        }

        var decision = session.Engine.Evaluate(subject!, at, session.State);
        stdout.Write(asJson ? DecisionJson.ToJson(decision) + Environment.NewLine : DecisionText.Render(decision, subject!));
        return rejects.Count > 0 ? CliSupport.ExitBadLines : CliSupport.ExitOk;
    }

    private static Person? Seed(SimulationSession session, string peoplePath, string? find = null)
    {
        Person? found = null;
        foreach (var (p, _) in PersonSource.ReadPersons(peoplePath))
        {
            if (p is null)
            {
                continue;
            }

            session.Seed(p);
            if (find is not null && found is null && p.Id == find)
            {
                found = p;
            }
        }

        return found;
    }
}
