using System.Globalization;

namespace TheModel.Sync.Application.Generation;

/// <summary>Writes generated records with the canonical keys of section 2; missing values are left out.</summary>
internal static class RecordWriters
{
    /// <summary>The people CSV header: canonical names, custom fields as <c>fields.NAME</c>.</summary>
    public static IReadOnlyList<string> PersonCsvHeader { get; } =
    [
        "id", "crm", "email", "first_name", "last_name", "title", "phone", "company", "country", "state", "postal_code",
        "employees", "annual_revenue", "industry", "source", "stage", "stage_entered_at", "recycle_reason", "recycle_rule",
        "recheck_at", "owner", "owner_set_at", "owner_set_by", "previous_owners", "created_at", "updated_at",
        "last_touch_at", "touches", "account", "fields.last_form", "fields.last_form_at", "fields.pricing_views",
        "fields.last_event", "fields.last_event_at", "fields.intent",
    ];


    public static void WritePerson(JsonLinesFile w, PersonRow p)
    {
        w.StartObject();
        w.String("id"u8, p.Id);
        w.String("crm"u8, p.Crm);
        w.String("email"u8, p.Email);
        w.String("first_name"u8, p.FirstName);
        w.String("last_name"u8, p.LastName);
        w.String("title"u8, p.Title);
        w.String("phone"u8, p.Phone);
        w.String("company"u8, p.Company);
        w.String("country"u8, p.Country);
        w.String("state"u8, p.State);
        w.String("postal_code"u8, p.PostalCode);
        if (p.Employees is { } employees)
        {
            w.Number("employees"u8, employees);
        }

        if (p.AnnualRevenue is { } revenue)
        {
            w.Number("annual_revenue"u8, revenue);
        }

        w.String("industry"u8, p.Industry);
        w.String("source"u8, p.Source);
        w.String("stage"u8, p.Stage);
        w.Time("stage_entered_at"u8, p.StageEnteredAt, p.Zone);
        w.String("recycle_reason"u8, p.RecycleReason);
        w.String("recycle_rule"u8, p.RecycleRule);
        w.Time("recheck_at"u8, p.RecheckAt, p.Zone);
        w.String("owner"u8, p.Owner);
        w.Time("owner_set_at"u8, p.OwnerSetAt, p.Zone);
        w.String("owner_set_by"u8, p.OwnerSetBy);
        if (p.PreviousOwners.Count > 0)
        {
            w.StartArray("previous_owners"u8);
            foreach (var id in p.PreviousOwners)
            {
                w.ArrayString(id);
            }

            w.EndArray();
        }

        w.Time("created_at"u8, p.CreatedAt, p.Zone);
        w.Time("updated_at"u8, p.UpdatedAt, p.Zone);
        w.Time("last_touch_at"u8, p.LastTouchAt, p.Zone);
        w.Number("touches"u8, p.Touches);
        w.String("account"u8, p.Account);
        if (p.HasFields)
        {
            w.StartObject("fields"u8);
            w.String("last_form"u8, p.LastForm);
            w.Time("last_form_at"u8, p.LastFormAt, p.Zone);
            if (p.PricingViews is { } views)
            {
                w.Number("pricing_views"u8, views);
            }

            w.String("last_event"u8, p.LastEvent);
            w.Time("last_event_at"u8, p.LastEventAt, p.Zone);
            w.String("intent"u8, p.Intent);
            w.EndObject();
        }

        w.EndObject();
    }

    public static void WritePersonCsvHeader(CsvFile csv)
    {
        foreach (var name in PersonCsvHeader)
        {
            csv.Field(name);
        }

        csv.EndLine();
    }

    /// <summary>One CSV row in <see cref="PersonCsvHeader"/>'s order; lists joined with <c>;</c>, missing values empty.</summary>
    public static void WritePerson(CsvFile csv, PersonRow p)
    {
        Span<char> buffer = stackalloc char[IsoTime.MaxLength];
        csv.Field(p.Id);
        csv.Field(p.Crm);
        csv.Field(p.Email);
        csv.Field(p.FirstName);
        csv.Field(p.LastName);
        csv.Field(p.Title);
        csv.Field(p.Phone);
        csv.Field(p.Company);
        csv.Field(p.Country);
        csv.Field(p.State);
        csv.Field(p.PostalCode);
        Number(csv, p.Employees, buffer);
        Number(csv, p.AnnualRevenue, buffer);
        csv.Field(p.Industry);
        csv.Field(p.Source);
        csv.Field(p.Stage);
        Time(csv, p.StageEnteredAt, p.Zone, buffer);
        csv.Field(p.RecycleReason);
        csv.Field(p.RecycleRule);
        Time(csv, p.RecheckAt, p.Zone, buffer);
        csv.Field(p.Owner);
        Time(csv, p.OwnerSetAt, p.Zone, buffer);
        csv.Field(p.OwnerSetBy);
        csv.Field(p.PreviousOwners.Count == 0 ? null : string.Join(';', p.PreviousOwners));
        Time(csv, p.CreatedAt, p.Zone, buffer);
        Time(csv, p.UpdatedAt, p.Zone, buffer);
        Time(csv, p.LastTouchAt, p.Zone, buffer);
        Number(csv, p.Touches, buffer);
        csv.Field(p.Account);
        csv.Field(p.LastForm);
        Time(csv, p.LastFormAt, p.Zone, buffer);
        Number(csv, p.PricingViews, buffer);
        csv.Field(p.LastEvent);
        Time(csv, p.LastEventAt, p.Zone, buffer);
        csv.Field(p.Intent);
        csv.EndLine();
    }

    public static void WriteAccount(JsonLinesFile w, GeneratedAccount a)
    {
        var zone = IsoTime.ZoneOf(a.Country);
        w.StartObject();
        w.String("id"u8, a.Id);
        w.String("name"u8, a.Name);
        if (a.WritesDomain)
        {
            w.String("domain"u8, a.Domain);
        }

        w.String("website"u8, a.Website);
        w.String("owner"u8, a.Owner);
        w.String("type"u8, a.Type);
        w.Number("employees"u8, a.Employees);
        w.Number("annual_revenue"u8, a.AnnualRevenue);
        w.String("country"u8, a.Country);
        w.String("industry"u8, a.Industry);
        w.Time("created_at"u8, a.CreatedAt, zone);
        w.EndObject();
    }

    public static void WriteOpportunity(JsonLinesFile w, GeneratedOpportunity o)
    {
        w.StartObject();
        w.String("id"u8, o.Id);
        w.String("account"u8, o.Account);
        w.String("owner"u8, o.Owner);
        w.String("stage"u8, o.Stage);
        w.Number("amount"u8, o.Amount);
        w.Bool("is_closed"u8, o.IsClosed);
        w.Bool("is_won"u8, o.IsWon);
        w.Time("close_date"u8, o.CloseDate, o.Zone);
        w.String("loss_reason"u8, o.LossReason);
        w.EndObject();
    }

    private static void Time(CsvFile csv, long unixSeconds, Zone zone, Span<char> buffer)
    {
        if (unixSeconds == IsoTime.None)
        {
            csv.Field(ReadOnlySpan<char>.Empty);
            return;
        }

        csv.Field(buffer[..IsoTime.Format(unixSeconds, zone, buffer)]);
    }

    private static void Number(CsvFile csv, long? value, Span<char> buffer)
    {
        if (value is not { } v)
        {
            csv.Field(ReadOnlySpan<char>.Empty);
            return;
        }

        v.TryFormat(buffer, out var n, default, CultureInfo.InvariantCulture);
        csv.Field(buffer[..n]);
    }
}
