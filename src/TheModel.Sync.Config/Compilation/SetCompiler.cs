using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary><c>set:</c> (section 14): writes stage, recycle_reason, recheck_at and fields.NAME, and nothing else.</summary>
internal static class SetCompiler
{
    /// <param name="writer">Who writes, for the messages: "routing rule 'x'".</param>
    /// <param name="reasons">Receives the recycle_reason values written (a recycle rule's named reasons).</param>
    public static List<FieldAssignment> Compile(CompileContext context, YamlNode node, string writer, List<string>? reasons = null)
    {
        var result = new List<FieldAssignment>();
        if (context.Mapping(node) is not { } mapping)
        {
            return result;
        }

        foreach (var (key, value) in mapping.Entries)
        {
            if (context.IsMergeKey(key, "set"))
            {
                continue;
            }

            if (!CanonicalFields.TryResolve(key.Text, out var field))
            {
                context.Error(key, ErrorCodes.UnknownField, FieldNames.Unknown(key.Text));
                continue;
            }

            if (field.Scope != FieldScope.Person || field.Id is not (FieldId.Stage or FieldId.RecycleReason or FieldId.RecheckAt or FieldId.Custom))
            {
                context.Error(key, ErrorCodes.NotSettable,
                    $"set: cannot write '{key.Text}'; it may write stage, recycle_reason, recheck_at and fields.NAME");
                continue;
            }

            if (Assignment(context, field, value, writer, reasons) is { } assignment)
            {
                result.Add(assignment);
            }
        }

        return result;
    }

    private static FieldAssignment? Assignment(CompileContext context, FieldRef field, YamlNode value, string writer, List<string>? reasons)
    {
        // null clears a field (a recheck that forgets the reason); a stage cannot be cleared.
        var isNull = value is YamlScalar { IsNull: true };
        if (isNull && field.Id != FieldId.Stage)
        {
            return new FieldAssignment { Field = field, Value = Value.Missing };
        }

        switch (field.Id)
        {
            case FieldId.Stage:
                if (TeamCompiler.StageName(context, value) is not { } stage)
                {
                    return null;
                }

                CheckStageMapped(context, value, stage, writer);
                return new FieldAssignment { Field = field, Value = Value.Of(stage.Name()) };
            case FieldId.RecycleReason:
                if (context.Text(value) is not { } reason)
                {
                    return null;
                }

                reasons?.Add(reason);
                return new FieldAssignment { Field = field, Value = Value.Of(reason) };
            case FieldId.RecheckAt:
                if (context.Text(value) is not { } text)
                {
                    return null;
                }

                if (Durations.TryParse(text, out var after))
                {
                    return new FieldAssignment { Field = field, Value = Value.Missing, RelativeToNow = after };
                }

                if (Timestamps.TryParse(text, out var at))
                {
                    return new FieldAssignment { Field = field, Value = Value.Of(at) };
                }

                context.Error(value, ErrorCodes.BadTimestamp, CompileContext.TimestampMessage(text));
                return null;
            default:
                return ScalarValue(context, value) is { } custom ? new FieldAssignment { Field = field, Value = custom } : null;
        }
    }

    /// <summary>A custom field's value with its YAML type: int/float a number, true/false a bool, anything else text.</summary>
    public static Value? ScalarValue(CompileContext context, YamlNode node)
    {
        if (node is not YamlScalar scalar || scalar.IsNull)
        {
            context.Error(node, ErrorCodes.WrongShape, $"expected a value, got {CompileContext.Describe(node)}");
            return null;
        }

        return scalar.Kind switch
        {
            ScalarKind.Int or ScalarKind.Float when CompileContext.TryNumber(scalar, out var n) => Value.Of(n),
            ScalarKind.Bool when scalar.TryGetBool(out var b) => Value.Of(b),
            _ => Value.Of(scalar.Text),
        };
    }

    /// <summary>Section 3: a stage a CRM does not map cannot be written to it (TM0044), one message per CRM.</summary>
    public static void CheckStageMapped(CompileContext context, YamlNode at, Stage stage, string writer)
    {
        foreach (var (crm, mapped) in context.CrmStages)
        {
            if (!mapped.Contains(stage))
            {
                context.Error(at, ErrorCodes.UnmappedStage, $"stage '{stage.Name()}' is written by {writer} but crm.{crm}.stages does not map it");
            }
        }
    }
}
