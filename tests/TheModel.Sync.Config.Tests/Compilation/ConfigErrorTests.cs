namespace TheModel.Sync.Config.Tests.Compilation;

/// <summary>One row per error code: a small config with one mistake, and the exact diagnostics it must give (no more).</summary>
public sealed class ConfigErrorTests
{
    private const string FileName = "config/routing.yaml";

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "TM0010", """
            version: 1
            teams:
              - id: sr
                role: SR
                members: []
            routing:
              - id: x
                when: {}
                assign: { team: sr, stategy: round_robin }
            """,
            "config/routing.yaml:9:25: error TM0010: unknown key 'stategy' in assign; did you mean `strategy`?"
        },
        {
            "TM0010 merge key", """
            version: 1
            matching:
              <<: { strategies: [domain] }
            """,
            "config/routing.yaml:3:3: error TM0010: unknown key '<<' in matching; merge keys (<<) are not part of YAML 1.2"
        },
        {
            "TM0010 top level", """
            version: 1
            temas: []
            """,
            "config/routing.yaml:2:1: error TM0010: unknown key 'temas' at the top level; did you mean `teams`?"
        },
        {
            "TM0011", """
            version: 1
            routing:
              - id: x
                when: {}
            """,
            "config/routing.yaml:3:5: error TM0011: routing rule 'x' is missing 'assign'"
        },
        {
            "TM0011 version", """
            teams: []
            """,
            "config/routing.yaml:1:1: error TM0011: version is required"
        },
        {
            "TM0012", """
            version: 1
            teams: {}
            """,
            "config/routing.yaml:2:8: error TM0012: expected a list, got a mapping"
        },
        {
            "TM0012 on_breach item with two actions", """
            version: 1
            sla:
              - id: s
                applies: {}
                met_when: {}
                within: 4h
                on_breach:
                  - { task: { owner: owner, subject: x }, reassign: { max: 1 } }
            """,
            "config/routing.yaml:8:9: error TM0012: an on_breach item holds one action, task or reassign; write them as two items"
        },
        {
            "TM0012 bool", """
            version: 1
            teams:
              - id: sr
                role: SR
                members:
                  - { id: aiko, active: yes }
            """,
            "config/routing.yaml:6:29: error TM0012: expected true or false, got 'yes'"
        },
        {
            "TM0012 salesforce id", """
            version: 1
            teams:
              - id: sr
                role: SR
                members:
                  - { id: aiko, salesforce: 005abc }
            """,
            "config/routing.yaml:6:33: error TM0012: invalid Salesforce id '005abc': expected 15 or 18 letters and digits"
        },
        {
            "TM0013", """
            version: 2
            """,
            "config/routing.yaml:1:10: error TM0013: version must be 1, was 2"
        },
        {
            "TM0014", """
            version: 1
            teams:
              - id: Sales Team
                role: SR
                members: []
            """,
            "config/routing.yaml:3:9: error TM0014: invalid id 'Sales Team': ids are lower-case letters, digits, '-' and '_', starting with a letter or digit"
        },
        {
            "TM0015", """
            version: 1
            teams:
              - id: sr
                role: SR
                members: []
              - id: sr
                role: AE
                members: []
            """,
            "config/routing.yaml:6:9: error TM0015: duplicate team id 'sr' (first defined at config/routing.yaml:3:9)"
        },
        {
            "TM0016", """
            version: 1
            crm:
              hubspot:
                stages: { new: { lifecyclestage: lead } }
                queues: { unassigned: "90001" }
            teams:
              - id: sr
                role: SR
                members:
                  - id: unassigned
            """,
            "config/routing.yaml:10:13: error TM0016: member id 'unassigned' clashes with queue 'unassigned'; members and queues share one namespace"
        },
        {
            "TM0020", """
            version: 1
            teams:
              - id: ae-ent
                role: AE
                members: []
            routing:
              - id: x
                when: {}
                assign: { team: ae-entt }
            """,
            "config/routing.yaml:9:21: error TM0020: unknown team 'ae-entt'; did you mean `ae-ent`?"
        },
        {
            "TM0021", """
            version: 1
            teams:
              - id: ae
                role: AE
                members: [{ id: kenji }]
            routing:
              - id: x
                when: {}
                assign: { to: kenjii }
            """,
            "config/routing.yaml:9:19: error TM0021: unknown member 'kenjii'; did you mean `kenji`?"
        },
        {
            "TM0021 owner in a condition", """
            version: 1
            teams:
              - id: ae
                role: AE
                members: [{ id: kenji }]
            segments:
              - id: s
                when: { owner: kenjii }
            """,
            "config/routing.yaml:8:20: error TM0021: unknown owner 'kenjii'; owners are member ids, queue keys or external; did you mean `kenji`?"
        },
        {
            "TM0022", """
            version: 1
            segments:
              - id: abm
                when: { domain: { in_list: abm } }
            """,
            "config/routing.yaml:4:32: error TM0022: unknown list 'abm'"
        },
        {
            "TM0023", """
            version: 1
            calendars:
              tokyo: { tz: Asia/Tokyo, hours: { mon-fri: "09:00-18:00" } }
            teams:
              - id: sr
                role: SR
                calendar: tokio
                members: []
            """,
            "config/routing.yaml:7:15: error TM0023: unknown calendar 'tokio'; did you mean `tokyo`?"
        },
        {
            "TM0024", """
            version: 1
            crm:
              hubspot:
                stages: { new: { lifecyclestage: lead } }
                queues: { unassigned: "90001" }
            routing:
              - id: x
                when: {}
                assign: { to: queue, queue: unasigned }
            """,
            "config/routing.yaml:9:33: error TM0024: unknown queue 'unasigned'; did you mean `unassigned`?"
        },
        {
            "TM0025", """
            version: 1
            segments:
              - id: big
                when: { employes: { gte: 1000 } }
            """,
            "config/routing.yaml:4:13: error TM0025: unknown field 'employes'; did you mean `employees`?"
        },
        {
            // Spelling distance alone said `account.name`: the score is the person's.
            "TM0025 field of the person under account.", """
            version: 1
            segments:
              - id: big
                when: { account.score: { gte: 10 } }
            """,
            "config/routing.yaml:4:13: error TM0025: unknown field 'account.score'; did you mean `score`?"
        },
        {
            "TM0025 field of the account without account.", """
            version: 1
            segments:
              - id: c
                when: { type: customer }
            """,
            "config/routing.yaml:4:13: error TM0025: unknown field 'type'; did you mean `account.type`?"
        },
        {
            "TM0025 field of both under opportunity.", """
            version: 1
            segments:
              - id: c
                when: { opportunity.country: JP }
            """,
            "config/routing.yaml:4:13: error TM0025: unknown field 'opportunity.country'; did you mean `country` or `account.country`?"
        },
        {
            "TM0026", """
            version: 1
            segments:
              - id: m
                when: { stage: mqll }
            """,
            "config/routing.yaml:4:20: error TM0026: unknown stage 'mqll'; did you mean `mql`?"
        },
        {
            "TM0027", """
            version: 1
            sla:
              - id: s
                applies: {}
                met_when: {}
                within: 4h
                on_breach:
                  - task: { owner: owner, subject: "Call {person.compny}" }
            """,
            "config/routing.yaml:8:40: error TM0027: unknown template name 'person.compny'; did you mean `person.company`?"
        },
        {
            "TM0028", """
            version: 1
            segments:
              - id: smb
                when: {}
            routing:
              - id: x
                when: { segment: none }
                assign: { to: current_owner }
            """,
            "config/routing.yaml:7:22: error TM0028: unknown segment 'none'; a person without a segment has none: use { exists: false }"
        },
        {
            "TM0029", """
            version: 1
            teams:
              - id: sr
                role: SR
                members: []
            routing:
              - id: x
                when: {}
                assign: { team: sr, strategy: weighted_robin }
            """,
            "config/routing.yaml:9:35: error TM0029: unknown strategy 'weighted_robin'; expected one of round_robin, weighted_round_robin, least_loaded, sticky; did you mean `weighted_round_robin`?"
        },
        {
            "TM0030", """
            version: 1
            recycle:
              - id: r
                recheck_after: 90days
            """,
            "config/routing.yaml:4:20: error TM0030: invalid duration '90days': expected a number and a unit s, m, h, d or w, e.g. 90d"
        },
        {
            "TM0031", """
            version: 1
            calendars:
              tokyo:
                tz: Asia/Tokyo
                hours: { mon-fri: "09:00-18:00" }
                holidays: [2027-13-01]
            """,
            "config/routing.yaml:6:16: error TM0031: invalid date '2027-13-01': expected YYYY-MM-DD"
        },
        {
            "TM0032", """
            version: 1
            calendars:
              tokyo:
                tz: Asia/Tokyo
                hours: { mon-fri: "9-18" }
            """,
            "config/routing.yaml:5:23: error TM0032: invalid time range '9-18': expected HH:MM-HH:MM, e.g. 09:00-18:00"
        },
        {
            "TM0033", """
            version: 1
            calendars:
              tokyo:
                tz: Asia/Tokio
                hours: { mon-fri: "09:00-18:00" }
            """,
            "config/routing.yaml:4:9: error TM0033: unknown time zone 'Asia/Tokio'; use an IANA name such as Asia/Tokyo or America/New_York"
        },
        {
            "TM0034", """
            version: 1
            segments:
              - id: s
                when: { email: { matches: "(abc" } }
            """,
            "config/routing.yaml:4:31: error TM0034: invalid regular expression '(abc': Invalid pattern '(abc' at offset 4. Not enough )'s."
        },
        {
            "TM0035", """
            version: 1
            tests:
              - name: t
                at: tomorrow
                person: { email: a@b.example }
                expect: { outcome: kept }
            """,
            "config/routing.yaml:4:9: error TM0035: invalid timestamp 'tomorrow': expected ISO 8601 with an offset, e.g. 2026-11-30T10:00:00+09:00"
        },
        {
            "TM0036", """
            version: 1
            teams:
              - id: sr
                role: SR
                members:
                  - { id: aiko, weight: 0 }
            """,
            "config/routing.yaml:6:29: error TM0036: weight must be a positive integer, was 0"
        },
        {
            "TM0036 min_similarity", """
            version: 1
            matching:
              company_name: { min_similarity: 1.5 }
            """,
            "config/routing.yaml:3:35: error TM0036: min_similarity must be between 0 and 1, was 1.5"
        },
        {
            "TM0040", """
            version: 1
            segments:
              - id: s
                when: { employees: { gte_: 1000 } }
            """,
            "config/routing.yaml:4:26: error TM0040: unknown operator 'gte_' for 'employees'; did you mean `gte`?"
        },
        {
            "TM0041", """
            version: 1
            segments:
              - id: s
                when: { employees: { gte: many } }
            """,
            "config/routing.yaml:4:31: error TM0041: 'gte' on 'employees' needs a number, got 'many'"
        },
        {
            "TM0041 null", """
            version: 1
            segments:
              - id: s
                when: { country: null }
            """,
            "config/routing.yaml:4:22: error TM0041: null is not a value to compare with; use { exists: false }"
        },
        {
            "TM0041 between", """
            version: 1
            segments:
              - id: s
                when: { employees: { between: [100] } }
            """,
            "config/routing.yaml:4:35: error TM0041: 'between' needs a list of two values [low, high]"
        },
        {
            "TM0041 older_than", """
            version: 1
            segments:
              - id: s
                when: { stage: { older_than: 30d } }
            """,
            "config/routing.yaml:4:34: error TM0041: 'older_than' on 'stage' needs a timestamp field"
        },
        {
            "TM0042", """
            version: 1
            teams:
              - id: ae-ent
                role: AE
                members:
                  - { id: mei, max_open: 10 }
                  - { id: kenji }
            routing:
              - id: x
                when: {}
                assign: { team: ae-ent, strategy: least_loaded }
            """,
            "config/routing.yaml:11:39: error TM0042: least_loaded needs max_open on every member of team 'ae-ent'; 'kenji' has none"
        },
        {
            "TM0043", """
            version: 1
            segments:
              - id: hot
                when: { score: { gte: 60 } }
            """,
            "config/routing.yaml:4:13: error TM0043: segment 'hot' reads 'score', but segments are computed before the score"
        },
        {
            "TM0044", """
            version: 1
            crm:
              salesforce:
                stages: { new: { Status: Open } }
            routing:
              - id: x
                when: {}
                set: { stage: customer }
                assign: { to: current_owner }
            """,
            "config/routing.yaml:8:19: error TM0044: stage 'customer' is written by routing rule 'x' but crm.salesforce.stages does not map it"
        },
        {
            "TM0045", """
            version: 1
            teams:
              - id: ae-ent
                role: AE
                members: [{ id: kenji }]
            sla:
              - id: s
                applies: {}
                met_when: {}
                within: 4h
                clock: business_hours
            """,
            "config/routing.yaml:11:12: error TM0045: clock: business_hours needs a calendar for every member; 'kenji' (team ae-ent) has none"
        },
        {
            "TM0046", """
            version: 1
            routing:
              - id: x
                when: {}
                set: { owner: kenji }
                assign: { to: current_owner }
            """,
            "config/routing.yaml:5:12: error TM0046: set: cannot write 'owner'; it may write stage, recycle_reason, recheck_at and fields.NAME"
        },
        {
            "TM0047", """
            version: 1
            teams:
              - id: sr
                role: SR
                members: [{ id: aiko }]
            routing:
              - id: x
                when: {}
                assign: { to: aiko, team: sr }
            """,
            "config/routing.yaml:9:25: error TM0047: assign names both 'to' and 'team'; give one of them"
        },
        {
            "TM0047 then without sticky", """
            version: 1
            teams:
              - id: sr
                role: SR
                members: [{ id: aiko }]
            routing:
              - id: x
                when: {}
                assign: { team: sr, then: round_robin }
            """,
            "config/routing.yaml:9:25: error TM0047: 'then' is only for strategy: sticky"
        },
        {
            "TM0048", """
            version: 1
            lists:
              abm: {}
            """,
            "config/routing.yaml:3:8: error TM0048: list 'abm' needs one of domains, values, file or builtin"
        },
        {
            "TM0048 file without a base directory", """
            version: 1
            lists:
              abm: { file: lists/abm.csv }
            """,
            "config/routing.yaml:3:16: error TM0048: list file 'lists/abm.csv' cannot be read: the config was given as text without a base directory"
        },
        {
            "TM0049", """
            version: 1
            routing:
              - id: x
                when: { opportunity.loss_reason: timing }
                assign: { to: current_owner }
            """,
            "config/routing.yaml:4:13: error TM0049: opportunity.loss_reason is only available in recycle rules with on: opportunity_lost"
        },
        {
            "TM0091", """
            version: 1
            tests:
              - name: t
                person: {}
                expect: { outcome: kept }
            """,
            "config/routing.yaml:4:13: error TM0091: test 't' has a person without any field"
        },
        {
            "TM0047 queue without to: queue", """
            version: 1
            routing:
              - { id: x, when: {}, assign: { to: current_owner, queue: q } }
            """,
            "config/routing.yaml:3:53: error TM0047: 'queue' is only for to: queue"
        },
        {
            "TM0047 to: queue without queue", """
            version: 1
            routing:
              - { id: x, when: {}, assign: { to: queue } }
            """,
            "config/routing.yaml:3:38: error TM0047: to: queue needs 'queue:' naming the queue"
        },
        {
            "TM0047 strategy without team", """
            version: 1
            routing:
              - { id: x, when: {}, assign: { to: current_owner, hours: strict } }
            """,
            "config/routing.yaml:3:53: error TM0047: 'hours' applies to team targets only; it needs 'team'"
        },
        {
            "TM0047 then: sticky", """
            version: 1
            teams:
              - { id: sr, role: SR, members: [{ id: aiko }] }
            routing:
              - { id: x, when: {}, assign: { team: sr, strategy: sticky, then: sticky } }
            """,
            "config/routing.yaml:5:68: error TM0047: then: sticky is not allowed; 'then' names the strategy used when no sticky member is a candidate"
        },
        {
            "TM0047 exclude", """
            version: 1
            teams:
              - { id: sr, role: SR, members: [{ id: aiko }] }
            routing:
              - { id: x, when: {}, assign: { team: sr, exclude: [owner] } }
            """,
            "config/routing.yaml:5:54: error TM0047: exclude can only list previous_owners, got 'owner'"
        },
        {
            "TM0047 a queue as a member target", """
            version: 1
            crm:
              hubspot: { stages: { new: { lifecyclestage: lead } }, queues: { inbox: "1" } }
            routing:
              - { id: x, when: {}, assign: { to: inbox } }
            """,
            "config/routing.yaml:5:38: error TM0047: to: 'inbox' is a queue; write to: queue, queue: inbox"
        },
        {
            "TM0029 hours", """
            version: 1
            teams:
              - { id: sr, role: SR, members: [{ id: aiko }] }
            routing:
              - { id: x, when: {}, assign: { team: sr, hours: strickt } }
            """,
            "config/routing.yaml:5:51: error TM0029: unknown hours 'strickt'; expected one of prefer, strict; did you mean `strict`?"
        },
        {
            "TM0029 to", """
            version: 1
            routing:
              - { id: x, when: {}, assign: { to: acount_owner } }
            """,
            "config/routing.yaml:3:38: error TM0029: unknown target 'acount_owner'; expected one of account_owner, previous_owner, current_owner, queue or a member id; did you mean `account_owner`?"
        },
        {
            "TM0029 task owner", """
            version: 1
            recycle:
              - id: r
                recheck_after: 1d
                on_recheck: { task: { owner: manager, subject: hi } }
            """,
            "config/routing.yaml:5:34: error TM0029: unknown task owner 'manager'; expected one of owner, current_owner, previous_owner, account_owner or a member id"
        },
        {
            "TM0029 clock", """
            version: 1
            sla:
              - { id: s, applies: {}, met_when: {}, within: 4h, clock: office }
            """,
            "config/routing.yaml:3:60: error TM0029: unknown clock 'office'; expected one of wall, business_hours"
        },
        {
            "TM0029 recycle on", """
            version: 1
            recycle:
              - { id: r, on: opportunity_won, recheck_after: 1d }
            """,
            "config/routing.yaml:3:18: error TM0029: unknown recycle event 'opportunity_won'; expected one of opportunity_lost, account_churned; did you mean `opportunity_lost`?"
        },
        {
            "TM0029 account type", """
            version: 1
            segments:
              - { id: s, when: { account.type: [customer, ex_customer] } }
            """,
            "config/routing.yaml:3:47: error TM0029: unknown account type 'ex_customer'; expected one of prospect, customer, partner, former_customer; did you mean `customer`?"
        },
        {
            "TM0029 tie_break", """
            version: 1
            matching:
              tie_break: [newest]
            """,
            "config/routing.yaml:3:15: error TM0029: unknown tie_break 'newest'; expected one of customer_first, most_employees, oldest"
        },
        {
            "TM0029 matching strategy", """
            version: 1
            matching:
              strategies: [email]
            """,
            "config/routing.yaml:3:16: error TM0029: unknown matching strategy 'email'; expected one of domain, company_name"
        },
        {
            "TM0029 person_object", """
            version: 1
            crm:
              salesforce: { person_object: Leads, stages: { new: { Status: Open } } }
            """,
            "config/routing.yaml:3:32: error TM0029: unknown person_object 'Leads'; expected one of Lead, Contact; did you mean `Lead`?"
        },
        {
            "TM0029 builtin", """
            version: 1
            lists:
              free: { builtin: freemail }
            """,
            "config/routing.yaml:3:20: error TM0029: unknown builtin list 'freemail'; expected one of free_mail_domains"
        },
        {
            "TM0029 override", """
            version: 1
            routing:
              - { id: x, when: {}, assign: { to: current_owner }, override: always }
            """,
            "config/routing.yaml:3:65: error TM0029: unknown override 'always'; expected one of manual"
        },
        {
            "TM0041 exists", """
            version: 1
            segments:
              - { id: s, when: { email: { exists: yes } } }
            """,
            "config/routing.yaml:3:39: error TM0041: 'exists' needs true or false"
        },
        {
            "TM0041 in", """
            version: 1
            segments:
              - { id: s, when: { country: { in: JP } } }
            """,
            "config/routing.yaml:3:37: error TM0041: 'in' needs a list"
        },
        {
            "TM0041 bool field", """
            version: 1
            segments:
              - { id: s, when: { account.matched: "yes" } }
            """,
            "config/routing.yaml:3:39: error TM0041: 'eq' on 'account.matched' needs true or false, got 'yes'"
        },
        {
            "TM0041 time field", """
            version: 1
            segments:
              - { id: s, when: { created_at: { gt: yesterday } } }
            """,
            "config/routing.yaml:3:40: error TM0041: 'gt' on 'created_at' needs a timestamp, got 'yesterday'"
        },
        {
            "TM0043 fit rule", """
            version: 1
            scoring:
              fit:
                - { id: f, when: { engagement: { gt: 10 } }, points: 5 }
            """,
            "config/routing.yaml:4:24: error TM0043: fit rule 'f' reads 'engagement', but fit and engagement are computed before the score"
        },
        {
            "TM0044 mql", """
            version: 1
            crm:
              hubspot: { stages: { new: { lifecyclestage: lead } } }
            scoring:
              mql: { when: { score: { gte: 60 } } }
            """,
            "config/routing.yaml:5:8: error TM0044: stage 'mql' is written by scoring.mql but crm.hubspot.stages does not map it"
        },
        {
            "TM0049 template", """
            version: 1
            recycle:
              - id: r
                recheck_after: 1d
                on_recheck: { task: { owner: owner, subject: "{opportunity.stage}" } }
            """,
            "config/routing.yaml:5:50: error TM0049: opportunity.stage is only available in recycle rules with on: opportunity_lost"
        },
        {
            "TM0015 test name", """
            version: 1
            tests:
              - { name: t, person: { email: a@b.example }, expect: { outcome: kept } }
              - { name: t, person: { email: c@d.example }, expect: { outcome: kept } }
            """,
            "config/routing.yaml:4:13: error TM0015: duplicate test name 't' (first defined at config/routing.yaml:3:13)"
        },
        {
            "TM0025 test person", """
            version: 1
            tests:
              - { name: t, person: { emial: a@b.example }, expect: { outcome: kept } }
            """,
            "config/routing.yaml:3:26: error TM0025: unknown field 'emial'; did you mean `email`?"
        },
        {
            "TM0010 expect", """
            version: 1
            tests:
              - { name: t, person: { email: a@b.example }, expect: { owners: kenji } }
            """,
            "config/routing.yaml:3:58: error TM0010: unknown key 'owners' in expect; did you mean `owner`?"
        },
        {
            "TM0091 empty expect", """
            version: 1
            tests:
              - { name: t, person: { email: a@b.example }, expect: {} }
            """,
            "config/routing.yaml:3:56: error TM0091: test 't' expects nothing; give at least one of outcome, rule, owner, team, stage, segment, score, fit, engagement, account, account.matched, because, recycle_reason, recheck_at"
        },
        {
            "TM0036 reassign max", """
            version: 1
            sla:
              - id: s
                applies: {}
                met_when: {}
                within: 4h
                on_breach: [ { reassign: { max: 0 } } ]
            """,
            "config/routing.yaml:7:37: error TM0036: reassign max must be a positive integer, was 0"
        },
        {
            "TM0011 team", """
            version: 1
            teams:
              - { id: sr, members: [] }
            """,
            "config/routing.yaml:3:5: error TM0011: team 'sr' is missing 'role'"
        },
        {
            "TM0016 reserved word", """
            version: 1
            teams:
              - { id: sr, role: SR, members: [{ id: queue }] }
            """,
            "config/routing.yaml:3:41: error TM0016: member id 'queue' is reserved: it is a keyword of to: and task owner:"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadFromText_OneMistake_ReportsExactlyIt(string code, string yaml, string expected)
    {
        var result = ConfigLoader.LoadFromText([(FileName, yaml)]);

        // Joined rather than compared as lists so that a failure shows the whole message that differs.
        Assert.Equal(expected, string.Join("\n", result.Diagnostics.Select(d => d.ToString())));
        Assert.StartsWith(code[..6], result.Diagnostics[0].Code);
        Assert.Null(result.Config);
        Assert.False(result.Succeeded);
    }
}
