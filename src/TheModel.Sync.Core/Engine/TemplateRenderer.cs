using System.Globalization;
using System.Text;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Core.Engine;

/// <summary>Fills a task subject's <c>{person.company}</c>-style holes from the person as it stands.</summary>
public static class TemplateRenderer
{
    public static string Render(Template template, EvaluationScope scope)
    {
        if (template.Parts.Count == 1 && template.Parts[0] is string only)
        {
            return only;
        }

        var sb = new StringBuilder();
        foreach (var part in template.Parts)
        {
            if (part is string s)
            {
                sb.Append(s);
            }
            else if (part is FieldRef f)
            {
                sb.Append(Text(scope.Get(f)));
            }
        }

        return sb.ToString();
    }

    private static string Text(Value v) => v.Kind switch
    {
        ValueKind.Missing => string.Empty,
        ValueKind.String => v.AsString,
        ValueKind.Time => v.AsTime is var t && t.TimeOfDay == TimeSpan.Zero
            ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : Timestamps.Format(v.AsTime),
        ValueKind.List => string.Join(", ", v.AsList),
        _ => v.ToString(),
    };
}
