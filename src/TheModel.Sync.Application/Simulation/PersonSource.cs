using TheModel.Sync.Application.Input;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Simulation;

/// <summary>A line of an input file that could not be read: where, why, and its text.</summary>
public sealed record InputReject(string File, long Line, string Reason, string Text);

/// <summary>Reads canonical records from input files, turning unreadable lines into rejects.</summary>
public static class PersonSource
{
    public static IEnumerable<(Person? Person, InputReject? Reject)> ReadPersons(string path)
    {
        foreach (var record in InputFiles.Read(path))
        {
            if (record.Error is not null)
            {
                yield return (null, new InputReject(path, record.Line, record.Error, record.Text));
                continue;
            }

            if (RecordBuilders.TryPerson(record.Values, out var person, out var error))
            {
                yield return (person, null);
            }
            else
            {
                yield return (null, new InputReject(path, record.Line, error!, record.Text));
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
                rejects.Add(new InputReject(path, record.Line, record.Error, record.Text));
            }
            else if (!RecordBuilders.TryAccount(record.Values, out var account, out var error))
            {
                rejects.Add(new InputReject(path, record.Line, error!, record.Text));
            }
            else if (!seen.Add(account!.Id))
            {
                rejects.Add(new InputReject(path, record.Line, $"duplicate account id '{account.Id}'", record.Text));
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
                rejects.Add(new InputReject(path, record.Line, record.Error, record.Text));
            }
            else if (!RecordBuilders.TryOpportunity(record.Values, out var o, out var error))
            {
                rejects.Add(new InputReject(path, record.Line, error!, record.Text));
            }
            else
            {
                list.Add(o!);
            }
        }

        return list;
    }
}
