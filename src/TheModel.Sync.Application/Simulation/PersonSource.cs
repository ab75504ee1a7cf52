using TheModel.Sync.Application.Input;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Simulation;

/// <summary>A line of an input file that could not be read: where, why, and its text.</summary>
public sealed record InputReject(string File, long Line, string Reason, string Text);

/// <summary>Reads canonical records from input files, turning unreadable lines into rejects.</summary>
public static class PersonSource
{
    public static IEnumerable<(Person? Person, InputReject? Reject)> ReadPersons(string path) =>
        InputFiles.Detect(path) == InputFormat.JsonLines ? ReadJsonLinePersons(path) : ReadPersons(path, InputFiles.Read(path));

    private static IEnumerable<(Person? Person, InputReject? Reject)> ReadPersons(string path, IEnumerable<InputRecord> records)
    {
        foreach (var record in records)
        {
            yield return FromRecord(path, record);
        }
    }

    private static (Person? Person, InputReject? Reject) FromRecord(string path, InputRecord record)
    {
        if (record.Error is not null)
        {
            return (null, new InputReject(InputFiles.GivenPath(path), record.Line, record.Error, record.Text));
        }

        return RecordBuilders.TryPerson(record.Values, out var person, out var error)
            ? (person, null)
            : (null, new InputReject(InputFiles.GivenPath(path), record.Line, error!, record.Text));
    }

    /// <summary>
    /// JSON Lines persons: the common shape read straight from the bytes, anything else (and every reject) through
    /// the general path, with the same outcome either way.
    /// </summary>
    private static IEnumerable<(Person? Person, InputReject? Reject)> ReadJsonLinePersons(string path)
    {
        using var lines = InputFiles.OpenJsonLines(path);
        var parser = new PersonLineParser();
        while (lines.TryRead(out var text, out var line))
        {
            var trimmed = text;
            if (!InputFiles.TryTrimLine(ref trimmed))
            {
                continue;
            }

            if (parser.TryRead(trimmed, footprintOnly: false))
            {
                yield return (parser.ToPerson(), null);
            }
            else if (InputFiles.ParseJsonLine(text, line) is { } record)
            {
                yield return FromRecord(path, record);
            }
        }
    }

    public static List<Account> ReadAccounts(string path, List<InputReject> rejects)
    {
        var accounts = new List<Account>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in InputFiles.Read(path))
        {
            if (record.Error is not null)
            {
                rejects.Add(new InputReject(InputFiles.GivenPath(path), record.Line, record.Error, record.Text));
            }
            else if (!RecordBuilders.TryAccount(record.Values, out var account, out var error))
            {
                rejects.Add(new InputReject(InputFiles.GivenPath(path), record.Line, error!, record.Text));
            }
            else if (!seen.Add(account!.Id))
            {
                rejects.Add(new InputReject(InputFiles.GivenPath(path), record.Line, $"duplicate account id '{account.Id}'", record.Text));
            }
            else
            {
                accounts.Add(account);
            }
        }

        return accounts;
    }

    public static List<Opportunity> ReadOpportunities(string path, List<InputReject> rejects)
    {
        var list = new List<Opportunity>();
        foreach (var record in InputFiles.Read(path))
        {
            if (record.Error is not null)
            {
                rejects.Add(new InputReject(InputFiles.GivenPath(path), record.Line, record.Error, record.Text));
            }
            else if (!RecordBuilders.TryOpportunity(record.Values, out var o, out var error))
            {
                rejects.Add(new InputReject(InputFiles.GivenPath(path), record.Line, error!, record.Text));
            }
            else
            {
                list.Add(o!);
            }
        }

        return list;
    }
}
