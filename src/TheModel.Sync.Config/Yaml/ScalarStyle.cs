namespace TheModel.Sync.Config.Yaml;

/// <summary>How a scalar was written in the file.</summary>
public enum ScalarStyle
{
    /// <summary>Unquoted; typed by the core schema.</summary>
    Plain,

    /// <summary><c>'...'</c>.</summary>
    SingleQuoted,

    /// <summary><c>"..."</c>.</summary>
    DoubleQuoted,

    /// <summary><c>|</c>.</summary>
    Literal,

    /// <summary><c>&gt;</c>.</summary>
    Folded,
}
