using System.Text;
using TheModel.Sync.Config.Yaml;
using TheModel.Sync.Core.Model;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Config.Compilation;

/// <summary>Tasks (<c>{ owner, subject, due }</c>) and their subject templates.</summary>
internal static class TaskCompiler
{
    private static readonly string[] OwnerWords = ["owner", "current_owner", "previous_owner", "account_owner"];

    public static TaskTemplate? Compile(CompileContext context, YamlNode node, bool allowOpportunity)
    {
        if (context.Mapping(node) is not { } mapping)
        {
            return null;
        }

        context.CheckKeys(mapping, KnownKeys.Task, "task");
        var ok = context.Require(mapping, "task", "owner", "subject");

        var ownerKind = TaskOwnerKind.Owner;
        Member? member = null;
        if (CompileContext.Get(mapping, "owner") is { } ownerNode)
        {
            var target = Targets.Read(context, ownerNode, "task owner", OwnerWords, queueMessage: key =>
                $"task owner '{key}' is a queue; a task owner is owner, current_owner, previous_owner, account_owner or a member id");
            ok &= target.Ok;
            ownerKind = target.Keyword >= 0 ? (TaskOwnerKind)target.Keyword : TaskOwnerKind.Member;
            member = target.Member;
        }

        Template? subject = null;
        if (CompileContext.Get(mapping, "subject") is { } subjectNode)
        {
            subject = CompileTemplate(context, subjectNode, allowOpportunity);
            ok &= subject is not null;
        }

        TimeSpan? due = null;
        if (CompileContext.Get(mapping, "due") is { } dueNode)
        {
            due = context.Duration(dueNode);
            ok &= due is not null;
        }

        return ok && subject is not null ? new TaskTemplate { Owner = ownerKind, Member = member, Subject = subject, Due = due } : null;
    }

    /// <summary>
    /// A subject with <c>{person.company}</c>-style holes naming canonical fields (bare names are the person's);
    /// <c>{{</c> and <c>}}</c> are literal braces.
    /// </summary>
    public static Template? CompileTemplate(CompileContext context, YamlNode node, bool allowOpportunity)
    {
        if (context.Text(node) is not { } text)
        {
            return null;
        }

        var parts = new List<object>();
        var literal = new StringBuilder();
        var ok = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{' && i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < text.Length && text[i + 1] == '}')
            {
                literal.Append('}');
                i++;
            }
            else if (c == '}')
            {
                // Reported, and the reading goes on, so that every mistake of the subject shows at once.
                context.Error(node, ErrorCodes.UnknownTemplateName, $"unmatched '}}' in '{text}'; write }}}} for a literal brace");
                ok = false;
            }
            else if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                if (close < 0)
                {
                    context.Error(node, ErrorCodes.UnknownTemplateName, $"unclosed '{{' in '{text}'; write {{{{ for a literal brace");
                    return null;
                }

                var name = text[(i + 1)..close];
                i = close;
                if (!CanonicalFields.TryResolve(name, out var field))
                {
                    context.Error(node, ErrorCodes.UnknownTemplateName,
                        $"unknown template name '{name}'{Suggestions.Hint(name, CanonicalFields.AllPaths)}");
                    ok = false;
                    continue;
                }

                if (field.Scope == FieldScope.Opportunity && !allowOpportunity)
                {
                    context.Error(node, ErrorCodes.OpportunityOutsideLostRule, $"{name} is only available in recycle rules with on: opportunity_lost");
                    ok = false;
                    continue;
                }

                if (literal.Length > 0)
                {
                    parts.Add(literal.ToString());
                    literal.Clear();
                }

                parts.Add(field);
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add(literal.ToString());
        }

        return ok ? new Template(text, parts) : null;
    }
}

/// <summary>Reads a target that is a keyword or a member id (<c>to:</c> of an assign, a task's <c>owner:</c>).</summary>
internal static class Targets
{
    public readonly record struct Target(bool Ok, int Keyword, Member? Member, string? Text);

    public static Target Read(CompileContext context, YamlNode node, string what, IReadOnlyList<string> keywords, Func<string, string> queueMessage)
    {
        if (context.Text(node) is not { } text)
        {
            return new Target(false, -1, null, null);
        }

        var keyword = keywords.IndexOf(text);
        if (keyword >= 0)
        {
            return new Target(true, keyword, null, text);
        }

        if (context.Members.TryGet(text, out var member))
        {
            return new Target(true, -1, member, text);
        }

        if (context.Queues.Contains(text))
        {
            context.Error(node, what == "task owner" ? ErrorCodes.UnknownValue : ErrorCodes.BadAssign, queueMessage(text));
            return new Target(false, -1, null, text);
        }

        // A near miss of a member id is a member typo; anything else is read against the keywords.
        if (Suggestions.Closest(text, context.Members.Ids) is { } close)
        {
            context.Error(node, ErrorCodes.UnknownMember, $"unknown member '{text}'; did you mean `{close}`?");
        }
        else
        {
            context.Error(node, ErrorCodes.UnknownValue,
                $"unknown {what} '{text}'; expected one of {string.Join(", ", keywords)} or a member id{Suggestions.Hint(text, keywords)}");
        }

        return new Target(false, -1, null, text);
    }

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
