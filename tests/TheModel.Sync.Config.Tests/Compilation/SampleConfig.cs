namespace TheModel.Sync.Config.Tests.Compilation;

/// <summary>The examples of the routing-language contract, put together into one config that must compile.</summary>
internal static class SampleConfig
{
    public const string FileName = "config/routing.yaml";

    public const string Text = """
        version: 1
        crm:
          salesforce:
            person_object: Lead             # Lead or Contact
            stages:
              new:          { Status: "Open - Not Contacted" }
              mql:          { Status: "MQL" }
              working:      { Status: "Working - Contacted" }
              sql:          { Status: "Qualified" }
              nurture:      { Status: "Nurture" }
              disqualified: { Status: "Unqualified" }
            fields:                         # canonical <- CRM field; extends the built-in defaults
              recycle_reason: Recycle_Reason__c
              recheck_at: Recheck_Date__c
              fields.intent: Intent_Topic__c
            queues: { unassigned: 00G5g000004XyZaEAK }
          hubspot:
            stages:
              new:          { lifecyclestage: lead, hs_lead_status: NEW }
              mql:          { lifecyclestage: marketingqualifiedlead }
              working:      { lifecyclestage: marketingqualifiedlead, hs_lead_status: IN_PROGRESS }
              sql:          { lifecyclestage: salesqualifiedlead }
              customer:     { lifecyclestage: customer }
              nurture:      { lifecyclestage: lead, hs_lead_status: BAD_TIMING }
              disqualified: { lifecyclestage: other, hs_lead_status: UNQUALIFIED }
            queues: { unassigned: "90001" } # an owner id used as a holding queue
        calendars:
          tokyo:
            tz: Asia/Tokyo
            hours: { mon-fri: "09:00-18:00" }
            holidays: [2027-01-01, 2027-01-02]
        teams:
          - id: sr
            role: SR
            works: [mql, working]
            calendar: tokyo
            members:
              - id: aiko
                salesforce: 0055g00000AbCdEAAV
                hubspot: "41234567"
                weight: 2
                max_open: 60
                away: [2026-12-28..2027-01-04]
                active: true
              - id: sato
                weight: 1
          - id: ebr
            role: EBR
            calendar: tokyo
            members:
              - id: tanaka
          - id: ae-ent
            role: AE
            calendar: tokyo
            members:
              - { id: kenji, max_open: 30 }
              - { id: mei, max_open: 30 }
          - id: ae-smb
            role: AE
            calendar: tokyo
            members:
              - { id: ren }
        lists:
          abm-tier1: { domains: [bigco.example, mega.example] }
          competitors: { domains: [rival.example] }
          free-mail: { builtin: free_mail_domains }
        matching:
          strategies: [domain, company_name]
          ignore_domains: free-mail
          company_name: { min_similarity: 0.9 }
          tie_break: [customer_first, most_employees, oldest]
        segments:
          - id: enterprise
            when: { any: [ { employees: { gte: 1000 } }, { account.employees: { gte: 1000 } } ] }
          - id: mid-market
            when: { employees: { between: [100, 999] } }
          - id: smb
            when: {}
        scoring:
          fit:
            - { id: big-company, when: { employees: { gte: 1000 } }, points: 30 }
            - { id: target-country, when: { country: [JP, US] }, points: 10 }
            - { id: free-mail, when: { domain: { in_list: free-mail } }, points: -20 }
          engagement:
            - id: demo-request
              when: { fields.last_form: "Demo request" }
              points: 40
              decay: { from: fields.last_form_at, half_life: 14d }
          mql: { when: { score: { gte: 60 } } }
        routing:
          - id: customer-contact
            when: { account.type: customer }
            assign: { to: account_owner }
          - id: target-accounts
            when: { account.matched: true, domain: { in_list: abm-tier1 }, stage: [new, mql] }
            assign: { team: ebr, strategy: sticky, then: round_robin }
          - id: inbound-mql
            when: { stage: mql, source: inbound }
            assign: { team: sr, strategy: weighted_round_robin }
          - id: sql-enterprise
            when: { stage: sql, segment: enterprise }
            assign: { team: ae-ent, strategy: least_loaded }
          - id: sql-other
            when: { stage: sql }
            assign: { team: ae-smb, strategy: round_robin }
          - id: competitors
            when: { domain: { in_list: competitors } }
            set: { stage: disqualified, recycle_reason: competitor }
            assign: { to: queue, queue: unassigned }
          - id: fallback
            when: {}
            assign: { to: queue, queue: unassigned }
        sla:
          - id: sr-first-touch
            applies: { stage: mql }
            met_when: { any: [ { stage: [working, sql, nurture, disqualified] }, { touches: { gte: 1 } } ] }
            within: 4h
            clock: business_hours
            on_breach:
              - task: { owner: owner, subject: "SLA missed: first touch for {person.company}" }
              - reassign: { exclude: [previous_owners], max: 2 }
        recycle:
          - id: not-now
            when: { stage: nurture, recycle_reason: timing }
            recheck_after: 90d
            on_recheck:
              set: { stage: mql }
              task: { owner: previous_owner, subject: "Recheck {person.company}: was not ready 90 days ago", due: 2d }
          - id: no-response
            when: { stage: working, touches: { gte: 6 }, last_touch_at: { older_than: 30d } }
            set: { stage: nurture, recycle_reason: no_response }
            recheck_after: 60d
            on_recheck: { set: { stage: new } }
          - id: closed-lost
            on: opportunity_lost
            when: { opportunity.loss_reason: [timing, budget] }
            recheck_after: 180d
            on_recheck:
              task: { owner: account_owner, subject: "Re-engage {account.name}: lost on {opportunity.close_date}", due: 7d }
          - id: churned
            on: account_churned
            recheck_after: 120d
            on_recheck: { task: { owner: account_owner, subject: "Win back {account.name}" } }
        tests:
          - name: enterprise SQL goes to an enterprise AE
            at: 2026-11-30T10:00:00+09:00
            person: { email: cto@bigco.example, employees: 5000, stage: sql, source: inbound }
            expect: { rule: sql-enterprise, team: ae-ent }
          - name: a free-mail address alone matches no account
            person: { email: someone@gmail.com }
            expect: { account.matched: false }
        """;

    /// <summary>The sample with one top-level section replaced (or removed when <paramref name="replacement"/> is empty).</summary>
    public static string WithSection(string key, string replacement)
    {
        var lines = Text.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith(key + ":", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, start + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]));
        end = end < 0 ? lines.Length : end;
        var kept = lines[..start].Concat(replacement.Length == 0 ? [] : replacement.TrimEnd('\n').Split('\n')).Concat(lines[end..]);
        return string.Join('\n', kept);
    }
}
