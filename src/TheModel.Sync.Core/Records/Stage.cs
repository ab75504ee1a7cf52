namespace TheModel.Sync.Core.Records;

/// <summary>THE MODEL's canonical person stages (section 3 of the routing language).</summary>
public enum Stage : byte
{
    New,
    Mql,
    Working,
    Sql,
    Customer,
    Nurture,
    Disqualified,
}

public static class Stages
{
    private static readonly string[] Names = ["new", "mql", "working", "sql", "customer", "nurture", "disqualified"];

    public static IReadOnlyList<string> AllNames => Names;

    public static string Name(this Stage stage) => Names[(int)stage];

    public static bool TryParse(string? text, out Stage stage)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], text, StringComparison.OrdinalIgnoreCase))
            {
                stage = (Stage)i;
                return true;
            }
        }

        stage = Stage.New;
        return false;
    }
}

/// <summary>A set of stages as a bit mask (a team's <c>works</c>).</summary>
public readonly record struct StageSet(int Mask)
{
    public static StageSet Of(IEnumerable<Stage> stages)
    {
        var mask = 0;
        foreach (var s in stages)
        {
            mask |= 1 << (int)s;
        }

        return new StageSet(mask);
    }

    public bool Contains(Stage stage) => (Mask & (1 << (int)stage)) != 0;

    public IEnumerable<Stage> Items()
    {
        for (var i = 0; i < 7; i++)
        {
            if ((Mask & (1 << i)) != 0)
            {
                yield return (Stage)i;
            }
        }
    }

    public override string ToString() => "[" + string.Join(", ", Items().Select(s => s.Name())) + "]";
}
