using System.Text.Json;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Reporting;

/// <summary>One SLA clock as a decision shows it (<c>why.sla</c>).</summary>
internal sealed record SlaMention(string Sla, string State, DateTimeOffset? Deadline);

/// <summary>The fields of one decision log line the report reads; the rest of the record is not kept.</summary>
internal sealed class LogDecision
{
    public required string Crm { get; init; }

    public required string Person { get; init; }

    public required DateTimeOffset At { get; init; }

    public required Stage Stage { get; init; }

    public Stage? StageBefore { get; init; }

    public DateTimeOffset? StageEnteredAtBefore { get; init; }

    public DateTimeOffset? StageEnteredAt { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public int? Touches { get; init; }

    public DateTimeOffset? LastTouchAt { get; init; }

    public DateTimeOffset? OwnerSetAt { get; init; }

    public bool Assigned { get; init; }

    public string? Owner { get; init; }

    public string? Team { get; init; }

    public string? Rule { get; init; }

    public string? Config { get; init; }

    public string? RecycleReason { get; init; }

    public IReadOnlyList<SlaMention> Slas { get; init; } = [];

    /// <summary>Reads a line; false with the reason (for <c>FILE:LINE: reason</c>) when it is not a decision the report can use.</summary>
    public static bool TryParse(string line, out LogDecision decision, out string error)
    {
        decision = null!;
        try
        {
            using var document = JsonDocument.Parse(line);
            return TryRead(document.RootElement, out decision, out error);
        }
        catch (JsonException e)
        {
            error = $"not JSON: {e.Message}";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, out LogDecision decision, out string error)
    {
        decision = null!;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"expected a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}";
            return false;
        }

        var reader = new FieldReader(root);
        var person = reader.RequiredText("person");
        var at = reader.RequiredTime("at");
        var stage = reader.RequiredStage("stage");
        var crm = reader.Text("crm") ?? string.Empty;
        var stageBefore = reader.Stage("stage_before");
        var slas = reader.Slas();
        var d = new LogDecision
        {
            Crm = crm,
            Person = person ?? string.Empty,
            At = at ?? default,
            Stage = stage ?? Core.Records.Stage.New,
            StageBefore = stageBefore,
            StageEnteredAtBefore = reader.Time("stage_entered_at_before"),
            StageEnteredAt = reader.Time("stage_entered_at"),
            CreatedAt = reader.Time("created_at"),
            Touches = reader.Integer("touches"),
            LastTouchAt = reader.Time("last_touch_at"),
            OwnerSetAt = reader.Time("owner_set_at"),
            Assigned = reader.Text("outcome") == "assigned",
            Owner = reader.Text("owner"),
            Team = reader.Text("team"),
            Rule = reader.Text("rule"),
            Config = reader.Text("config"),
            RecycleReason = reader.Text("recycle_reason"),
            Slas = slas,
        };
        if (reader.Error is { } problem)
        {
            error = problem;
            return false;
        }

        decision = d;
        error = string.Empty;
        return true;
    }

    /// <summary>Reads fields and keeps the first problem, so that a line is reported once, with what is wrong first.</summary>
    private sealed class FieldReader(JsonElement root)
    {
        public string? Error { get; private set; }

        public string? RequiredText(string name)
        {
            var value = Text(name);
            if (value is null && Error is null)
            {
                Error = $"missing '{name}'";
            }

            return value;
        }

        public DateTimeOffset? RequiredTime(string name)
        {
            var value = Time(name);
            if (value is null && Error is null)
            {
                Error = $"missing '{name}'";
            }

            return value;
        }

        public Stage? RequiredStage(string name)
        {
            var value = Stage(name);
            if (value is null && Error is null)
            {
                Error = $"missing '{name}'";
            }

            return value;
        }

        public string? Text(string name)
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                return value.GetString();
            }

            Fail($"'{name}' must be a string, was {value.GetRawText()}");
            return null;
        }

        public DateTimeOffset? Time(string name) => Time(root, name);

        public Stage? Stage(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (Stages.TryParse(text, out var stage))
            {
                return stage;
            }

            Fail($"'{name}' is not a stage: '{text}'");
            return null;
        }

        public int? Integer(string name)
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
            {
                return number;
            }

            Fail($"'{name}' must be an integer, was {value.GetRawText()}");
            return null;
        }

        public List<SlaMention> Slas()
        {
            var result = new List<SlaMention>();
            if (!root.TryGetProperty("why", out var why) || why.ValueKind != JsonValueKind.Object
                || !why.TryGetProperty("sla", out var slas) || slas.ValueKind != JsonValueKind.Array)
            {
                return result;
            }

            foreach (var item in slas.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("sla", out var id) || id.ValueKind != JsonValueKind.String
                    || !item.TryGetProperty("state", out var state) || state.ValueKind != JsonValueKind.String)
                {
                    Fail($"why.sla holds an entry without sla and state: {item.GetRawText()}");
                    continue;
                }

                result.Add(new SlaMention(id.GetString()!, state.GetString()!, Time(item, "deadline")));
            }

            return result;
        }

        private DateTimeOffset? Time(JsonElement element, string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.String && Timestamps.TryParse(value.GetString(), out var time))
            {
                return time;
            }

            Fail($"'{name}' is not a timestamp with an offset: {value.GetRawText()}");
            return null;
        }

        private void Fail(string message) => Error ??= message;
    }
}
