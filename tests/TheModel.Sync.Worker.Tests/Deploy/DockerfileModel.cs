using System.Text.Json;

namespace TheModel.Sync.Worker.Tests.Deploy;

/// <summary>One Dockerfile instruction: its keyword, its text after the keyword, and its line.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The exec form (<c>["a", "b"]</c>) as a list, or the shell form split on spaces.</summary>
    public IReadOnlyList<string> Words()
    {
        var text = Arguments.Trim();
        return text.StartsWith('[')
            ? JsonSerializer.Deserialize<string[]>(text) ?? []
            : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}

/// <summary>A Dockerfile split into stages of instructions: enough of the format for the checks, not a full parser.</summary>
internal sealed class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<IReadOnlyList<DockerInstruction>> stages) => Stages = stages;

    /// <summary>Each stage's instructions, starting with its FROM; ARGs before the first FROM are left out.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    public IReadOnlyList<DockerInstruction> FinalStage => Stages[^1];

    public static DockerfileModel Parse(string text)
    {
        var stages = new List<List<DockerInstruction>>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i + 1;

            // A trailing backslash continues the instruction; comment lines inside it are dropped, as Docker does.
            var joined = line;
            while (joined.EndsWith('\\') && i + 1 < lines.Length)
            {
                joined = joined[..^1];
                var next = lines[++i].Trim();
                if (!next.StartsWith('#'))
                {
                    joined += " " + next;
                }
            }

            var space = joined.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? joined : joined[..space]).ToUpperInvariant();
            var arguments = space < 0 ? string.Empty : joined[(space + 1)..].Trim();
            var instruction = new DockerInstruction(keyword, arguments, start);
            if (keyword == "FROM")
            {
                stages.Add([instruction]);
            }
            else if (stages.Count > 0)
            {
                stages[^1].Add(instruction);
            }
        }

        return new DockerfileModel([.. stages]);
    }

    /// <summary>The ENV values of a stage (<c>ENV A=1 B=2</c>; values without spaces).</summary>
    public static IReadOnlyDictionary<string, (string Value, int Line)> Environment(IReadOnlyList<DockerInstruction> stage)
    {
        var env = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        foreach (var e in stage.Where(i => i.Keyword == "ENV"))
        {
            foreach (var pair in e.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                Assert.True(eq > 0, $"{DeployFiles.Dockerfile}:{e.Line}: ENV '{pair}' is not NAME=value (write ENV in the NAME=value form)");
                env[pair[..eq]] = (pair[(eq + 1)..].Trim('"'), e.Line);
            }
        }

        return env;
    }
}
