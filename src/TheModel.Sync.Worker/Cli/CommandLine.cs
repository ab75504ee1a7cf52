using System.CommandLine;

namespace TheModel.Sync.Worker.Cli;

/// <summary>The verbs of <c>themodel-sync</c>; each lives in its own class.</summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Parse(args);

        // An empty value is named in one line (RefuseEmptyText); the verb's whole usage after it would bury that line.
        if (parsed.Errors.Count > 0 && parsed.Errors.All(e => e.Message.EndsWith(EmptyValue, StringComparison.Ordinal)) &&
            parsed.Action is System.CommandLine.Invocation.ParseErrorAction onError)
        {
            onError.ShowHelp = false;
        }

        // The daemon stops itself on SIGTERM/Ctrl+C (the host's graceful shutdown, with its own timeout); the parser's
        // short termination timeout would end the process before the batch in hand is finished.
        if (parsed.CommandResult.Command.Name == RunCommand.Name)
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
        }

        // A file the verbs cannot read or write (a folder without permission, a full disk, a path that is a
        // directory) is the operator's to fix: one line, not a stack trace. Anything else is a bug and keeps its trace.
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // InvalidDataException: a gzip-compressed input that is not gzip after all.
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return CliSupport.ExitError;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the verb stopped where it was, as the parser's own handler would end it.
            return CliSupport.ExitError;
        }
        catch (Exception e)
        {
            // As the parser's own handler reports it: the whole exception, exit 1.
            await Console.Error.WriteLineAsync($"Unhandled exception: {e}");
            return CliSupport.ExitError;
        }
    }

    /// <summary>
    /// The command line as the verbs see it. Response files are off: <c>explain --person @FILE</c> names a file of
    /// JSON, which the parser would otherwise expand into arguments.
    /// </summary>
    internal static ParseResult Parse(string[] args)
    {
        var root = new RootCommand("TheModel.Sync: THE MODEL's lead routing, scoring, SLAs and recycling for Salesforce and HubSpot, from a routing YAML kept in git.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(SandboxCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ExportLogCommand.Create());

        RefuseEmptyText(root);

        // `run` is the default verb: a bare `themodel-sync`, or one given only run's options, starts the daemon.
        if (args.Length == 0 || args[0] is "--config" or "--urls" || args[0].StartsWith("--config=", StringComparison.Ordinal) || args[0].StartsWith("--urls=", StringComparison.Ordinal))
        {
            args = [RunCommand.Name, .. args];
        }

        return root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
    }

    private const string EmptyValue = " is empty; give a value";

    /// <summary>
    /// No text option or argument may be empty: <c>--config "$CFG"</c> with the variable unset is a mistake to name in
    /// one line, not a path to open (which ends in an exception about an empty path).
    /// </summary>
    private static void RefuseEmptyText(Command command)
    {
        foreach (var option in command.Options)
        {
            if (option is Option<string> or Option<string?>)
            {
                option.Validators.Add(result =>
                {
                    if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                    {
                        result.AddError(option.Name + EmptyValue);
                    }
                });
            }
        }

        foreach (var argument in command.Arguments)
        {
            if (argument is Argument<string> or Argument<string?>)
            {
                argument.Validators.Add(result =>
                {
                    if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                    {
                        result.AddError(argument.Name + EmptyValue);
                    }
                });
            }
        }

        foreach (var sub in command.Subcommands)
        {
            RefuseEmptyText(sub);
        }
    }
}
