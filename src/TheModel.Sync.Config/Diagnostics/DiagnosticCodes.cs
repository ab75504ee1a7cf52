namespace TheModel.Sync.Config.Diagnostics;

/// <summary>
/// The stable diagnostic codes. Codes never change meaning once released; other areas of the
/// config add theirs in further parts of this partial class.
/// </summary>
public static partial class DiagnosticCodes
{
    /// <summary><c>cannot read config file: REASON</c>.</summary>
    public const string FileUnreadable = "TM0001";

    /// <summary><c>YAML syntax error: MESSAGE</c>; also non-scalar mapping keys and nesting that is too deep.</summary>
    public const string YamlSyntax = "TM0002";

    /// <summary>The file is larger than 1 MiB.</summary>
    public const string FileTooLarge = "TM0003";

    /// <summary>More than 100 YAML aliases, or aliases that expand to too many nodes.</summary>
    public const string TooManyAliases = "TM0004";

    /// <summary>An explicit YAML tag (<c>!!str</c>, <c>!foo</c>, <c>!&lt;...&gt;</c>, <c>!</c>).</summary>
    public const string YamlTag = "TM0005";

    /// <summary>A key appears twice in one mapping.</summary>
    public const string DuplicateKey = "TM0006";

    /// <summary>More than one YAML document in a file.</summary>
    public const string MultipleDocuments = "TM0008";

    /// <summary>An alias names no anchor defined before it.</summary>
    public const string UnknownAlias = "TM0009";
}
