namespace TheModel.Sync.Config.Diagnostics;

/// <summary>How serious a <see cref="ConfigDiagnostic"/> is. Any error makes the config unusable.</summary>
public enum Severity
{
    Error,
    Warning,
}
