namespace TheModel.Sync.Config.Yaml;

/// <summary>
/// The type of a scalar under the YAML 1.2 core schema. Only plain (unquoted) scalars can be
/// anything but <see cref="String"/>; quoted and block scalars are always strings.
/// </summary>
public enum ScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
}
