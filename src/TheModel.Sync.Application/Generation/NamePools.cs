namespace TheModel.Sync.Application.Generation;

/// <summary>One word of a generated company name in its spellings: domain slug, Japanese, romanized or English.</summary>
internal sealed record NameWord(string Slug, string Japanese, string Latin, string Industry = "");

/// <summary>An account every generated data set starts with: the sample's target accounts and competitors.</summary>
internal sealed record SpecialAccount(
    string Domain,
    string Name,
    string Core,
    bool Kanji,
    string Country,
    bool Abm,
    bool Competitor,
    string Type,
    int Employees,
    string Industry);

/// <summary>A name as a person carries it: how it is written, and its ASCII form for e-mail addresses.</summary>
internal sealed record PersonName(string Written, string Ascii);

/// <summary>A country other than Japan and the US: ISO code, calling code, given and family names.</summary>
internal sealed record OtherCountry(string Code, string CallingCode, IReadOnlyList<PersonName> FirstNames, IReadOnlyList<PersonName> LastNames);

/// <summary>The constant pools the generator draws from. Order matters: it is part of what a seed reproduces.</summary>
internal static class NamePools
{
    /// <summary>
    /// Known accounts, first in every accounts file: the sample config's abm-tier1 (with a Japanese subsidiary on a
    /// subdomain, so that the longest domain wins) and its competitors.
    /// </summary>
    public static IReadOnlyList<SpecialAccount> Specials { get; } =
    [
        new("bigco.example", "BigCo Inc.", "BigCo", false, "US", true, false, "prospect", 12_000, "Manufacturing"),
        new("jp.bigco.example", "BigCo Japan K.K.", "BigCo Japan", false, "JP", true, false, "prospect", 1_500, "Manufacturing"),
        new("toyota-tsusho.example", "豊田通商株式会社", "豊田通商", true, "JP", true, false, "prospect", 9_000, "Trading"),
        new("mega.example", "Mega Corporation", "Mega", false, "US", true, false, "customer", 48_000, "Retail"),
        new("mitsubishi-shoji.example", "三菱商事株式会社", "三菱商事", true, "JP", true, false, "prospect", 18_000, "Trading"),
        new("rival.example", "Rival Inc.", "Rival", false, "US", false, true, "prospect", 450, "Software"),
        new("globex.example", "Globex Corporation", "Globex", false, "US", true, false, "former_customer", 3_200, "Energy"),
        new("rivalsoft.co.jp", "ライバルソフト株式会社", "ライバルソフト", true, "JP", false, true, "prospect", 300, "Software"),
        new("initech.example", "Initech LLC", "Initech", false, "US", true, false, "prospect", 800, "Software"),
        new("competitor.example", "Competitor Corp.", "Competitor", false, "US", false, true, "prospect", 1_200, "Software"),
    ];

    public static IReadOnlyList<NameWord> JpFirst { get; } =
    [
        new("toyo", "東洋", "Toyo"), new("nippon", "日本", "Nippon"), new("yamato", "大和", "Yamato"),
        new("fuji", "富士", "Fuji"), new("sakura", "さくら", "Sakura"), new("asahi", "旭", "Asahi"),
        new("hokuto", "北斗", "Hokuto"), new("daiichi", "第一", "Daiichi"), new("chuo", "中央", "Chuo"),
        new("kyoei", "共栄", "Kyoei"), new("meisei", "明星", "Meisei"), new("taisei", "大成", "Taisei"),
        new("sanwa", "三和", "Sanwa"), new("tokai", "東海", "Tokai"), new("kansai", "関西", "Kansai"),
        new("hikari", "ひかり", "Hikari"), new("mirai", "ミライ", "Mirai"), new("aoba", "青葉", "Aoba"),
        new("shinwa", "新和", "Shinwa"), new("kotobuki", "寿", "Kotobuki"), new("minato", "みなと", "Minato"),
        new("musashi", "武蔵", "Musashi"), new("izumi", "和泉", "Izumi"), new("tsubasa", "ツバサ", "Tsubasa"),
        new("hinode", "日の出", "Hinode"), new("tohoku", "東北", "Tohoku"), new("kyushu", "九州", "Kyushu"),
        new("shikoku", "四国", "Shikoku"), new("marunouchi", "丸の内", "Marunouchi"), new("seiryu", "清流", "Seiryu"),
        new("kitakami", "北上", "Kitakami"), new("hayabusa", "ハヤブサ", "Hayabusa"),
    ];

    public static IReadOnlyList<NameWord> JpSecond { get; } =
    [
        new("seiki", "精機", "Seiki", "Manufacturing"), new("denki", "電機", "Denki", "Electronics"),
        new("shoji", "商事", "Shoji", "Trading"), new("kogyo", "工業", "Kogyo", "Manufacturing"),
        new("kensetsu", "建設", "Kensetsu", "Construction"), new("unyu", "運輸", "Unyu", "Logistics"),
        new("soft", "ソフト", "Soft", "Software"), new("systems", "システムズ", "Systems", "Software"),
        new("tech", "テック", "Tech", "Software"), new("logistics", "ロジスティクス", "Logistics", "Logistics"),
        new("foods", "フーズ", "Foods", "Food & Beverage"), new("seiyaku", "製薬", "Seiyaku", "Pharmaceuticals"),
        new("seiko", "精工", "Seiko", "Manufacturing"), new("kagaku", "化学", "Kagaku", "Chemicals"),
        new("tsushin", "通信", "Tsushin", "Telecommunications"), new("bussan", "物産", "Bussan", "Trading"),
        new("fudosan", "不動産", "Fudosan", "Real Estate"), new("insatsu", "印刷", "Insatsu", "Media"),
        new("giken", "技研", "Giken", "Manufacturing"), new("sangyo", "産業", "Sangyo", "Manufacturing"),
        new("data", "データ", "Data", "Software"), new("network", "ネットワーク", "Network", "Telecommunications"),
        new("solutions", "ソリューションズ", "Solutions", "IT Services"), new("medical", "メディカル", "Medical", "Healthcare"),
    ];

    public static IReadOnlyList<NameWord> JpQualifiers { get; } =
    [
        new("", "", ""), new("holdings", "ホールディングス", "Holdings"), new("tokyo", "東京", "Tokyo"),
        new("osaka", "大阪", "Osaka"), new("service", "サービス", "Service"), new("kaihatsu", "開発", "Kaihatsu"),
        new("trading", "トレーディング", "Trading"), new("partners", "パートナーズ", "Partners"),
    ];

    public static IReadOnlyList<NameWord> UsFirst { get; } =
    [
        new("acme", "", "Acme"), new("summit", "", "Summit"), new("pinnacle", "", "Pinnacle"),
        new("bluewater", "", "Bluewater"), new("redwood", "", "Redwood"), new("ironclad", "", "Ironclad"),
        new("northstar", "", "Northstar"), new("brightpath", "", "Brightpath"), new("evergreen", "", "Evergreen"),
        new("keystone", "", "Keystone"), new("liberty", "", "Liberty"), new("silverline", "", "Silverline"),
        new("cobalt", "", "Cobalt"), new("granite", "", "Granite"), new("harbor", "", "Harbor"),
        new("maple", "", "Maple"), new("orion", "", "Orion"), new("vertex", "", "Vertex"),
        new("atlas", "", "Atlas"), new("beacon", "", "Beacon"), new("cascade", "", "Cascade"),
        new("frontier", "", "Frontier"), new("horizon", "", "Horizon"), new("lakeshore", "", "Lakeshore"),
        new("meridian", "", "Meridian"), new("prairie", "", "Prairie"), new("quantum", "", "Quantum"),
        new("sterling", "", "Sterling"), new("tidewater", "", "Tidewater"), new("union", "", "Union"),
        new("wildflower", "", "Wildflower"), new("zenith", "", "Zenith"),
    ];

    public static IReadOnlyList<NameWord> UsSecond { get; } =
    [
        new("analytics", "", "Analytics", "Software"), new("labs", "", "Labs", "Software"),
        new("software", "", "Software", "Software"), new("systems", "", "Systems", "IT Services"),
        new("logistics", "", "Logistics", "Logistics"), new("health", "", "Health", "Healthcare"),
        new("financial", "", "Financial", "Financial Services"), new("robotics", "", "Robotics", "Manufacturing"),
        new("networks", "", "Networks", "Telecommunications"), new("foods", "", "Foods", "Food & Beverage"),
        new("energy", "", "Energy", "Energy"), new("media", "", "Media", "Media"),
        new("manufacturing", "", "Manufacturing", "Manufacturing"), new("biotech", "", "Biotech", "Pharmaceuticals"),
        new("consulting", "", "Consulting", "Professional Services"), new("cloud", "", "Cloud", "Software"),
        new("security", "", "Security", "Software"), new("retail", "", "Retail", "Retail"),
        new("dynamics", "", "Dynamics", "Manufacturing"), new("industries", "", "Industries", "Manufacturing"),
        new("data", "", "Data", "Software"), new("capital", "", "Capital", "Financial Services"),
        new("motors", "", "Motors", "Automotive"), new("supply", "", "Supply", "Wholesale"),
    ];

    public static IReadOnlyList<NameWord> UsQualifiers { get; } =
    [
        new("", "", ""), new("group", "", "Group"), new("global", "", "Global"), new("partners", "", "Partners"),
        new("usa", "", "USA"), new("west", "", "West"), new("holdings", "", "Holdings"), new("international", "", "International"),
    ];

    /// <summary>Words for companies that are in no accounts file (their domains use TLDs no account uses).</summary>
    public static IReadOnlyList<NameWord> UnknownWords { get; } =
    [
        new("nimbus", "ニンバス", "Nimbus"), new("kestrel", "ケストレル", "Kestrel"), new("lumen", "ルーメン", "Lumen"),
        new("parallax", "パララックス", "Parallax"), new("sora", "ソラ", "Sora"), new("tanuki", "たぬき", "Tanuki"),
        new("wavelet", "ウェーブレット", "Wavelet"), new("ember", "エンバー", "Ember"), new("mochi", "モチ", "Mochi"),
        new("quill", "クイル", "Quill"), new("fjord", "フィヨルド", "Fjord"), new("koi", "コイ", "Koi"),
    ];

    public static IReadOnlyList<string> UnknownSuffixes { get; } = ["Works", "Studio", "Lab", "Ventures", "Digital", "Apps"];

    public static IReadOnlyList<string> UnknownTlds { get; } = ["io", "net", "dev", "co", "ai"];

    public static IReadOnlyList<(string Kanji, string Latin)> JpLastNames { get; } =
    [
        ("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"), ("伊藤", "Ito"),
        ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"), ("小林", "Kobayashi"), ("加藤", "Kato"),
        ("吉田", "Yoshida"), ("山田", "Yamada"), ("佐々木", "Sasaki"), ("山口", "Yamaguchi"), ("松本", "Matsumoto"),
        ("井上", "Inoue"), ("木村", "Kimura"), ("林", "Hayashi"), ("清水", "Shimizu"), ("斎藤", "Saito"),
        ("森", "Mori"), ("池田", "Ikeda"), ("橋本", "Hashimoto"), ("阿部", "Abe"), ("石川", "Ishikawa"),
        ("前田", "Maeda"), ("藤田", "Fujita"), ("岡田", "Okada"),
    ];

    public static IReadOnlyList<(string Kanji, string Latin)> JpFirstNames { get; } =
    [
        ("太郎", "Taro"), ("花子", "Hanako"), ("健太", "Kenta"), ("翔太", "Shota"), ("美咲", "Misaki"),
        ("陽菜", "Hina"), ("大輔", "Daisuke"), ("直樹", "Naoki"), ("由美", "Yumi"), ("恵", "Megumi"),
        ("拓也", "Takuya"), ("さくら", "Sakura"), ("誠", "Makoto"), ("愛", "Ai"), ("蓮", "Ren"),
        ("結衣", "Yui"), ("悠人", "Yuto"), ("千尋", "Chihiro"), ("和也", "Kazuya"), ("真由美", "Mayumi"),
        ("健二", "Kenji"), ("裕子", "Yuko"), ("浩", "Hiroshi"), ("明美", "Akemi"),
    ];

    public static IReadOnlyList<PersonName> UsFirstNames { get; } =
    [
        new("James", "james"), new("Mary", "mary"), new("Robert", "robert"), new("Patricia", "patricia"),
        new("John", "john"), new("Jennifer", "jennifer"), new("Michael", "michael"), new("Linda", "linda"),
        new("David", "david"), new("Elizabeth", "elizabeth"), new("William", "william"), new("Barbara", "barbara"),
        new("Richard", "richard"), new("Susan", "susan"), new("Joseph", "joseph"), new("Jessica", "jessica"),
        new("Thomas", "thomas"), new("Sarah", "sarah"), new("Chris", "chris"), new("Karen", "karen"),
        new("Daniel", "daniel"), new("Emily", "emily"), new("Matthew", "matthew"), new("Ashley", "ashley"),
        new("Anthony", "anthony"), new("Olivia", "olivia"), new("Mark", "mark"), new("Sophia", "sophia"),
        new("Brian", "brian"), new("Megan", "megan"), new("Kevin", "kevin"), new("Laura", "laura"),
    ];

    public static IReadOnlyList<PersonName> UsLastNames { get; } =
    [
        new("Smith", "smith"), new("Johnson", "johnson"), new("Williams", "williams"), new("Brown", "brown"),
        new("Jones", "jones"), new("Garcia", "garcia"), new("Miller", "miller"), new("Davis", "davis"),
        new("Rodriguez", "rodriguez"), new("Martinez", "martinez"), new("Hernandez", "hernandez"), new("Lopez", "lopez"),
        new("Wilson", "wilson"), new("Anderson", "anderson"), new("Thomas", "thomas"), new("Taylor", "taylor"),
        new("Moore", "moore"), new("Jackson", "jackson"), new("Martin", "martin"), new("Lee", "lee"),
        new("Thompson", "thompson"), new("White", "white"), new("Harris", "harris"), new("Clark", "clark"),
        new("Lewis", "lewis"), new("Robinson", "robinson"), new("Walker", "walker"), new("Young", "young"),
        new("O'Brien", "obrien"), new("Nguyen", "nguyen"),
    ];

    /// <summary>Persons outside Japan and the US: their country, its calling code and names from there.</summary>
    public static IReadOnlyList<OtherCountry> OtherCountries { get; } =
    [
        new("NO", "47", [new("Ole", "ole"), new("Ingrid", "ingrid"), new("Sven", "sven")], [new("Hansen", "hansen"), new("Johansen", "johansen"), new("Larsen", "larsen")]),
        new("DE", "49", [new("Lukas", "lukas"), new("Anna", "anna"), new("Jürgen", "juergen")], [new("Müller", "mueller"), new("Schmidt", "schmidt"), new("Weber", "weber")]),
        new("GB", "44", [new("Oliver", "oliver"), new("Amelia", "amelia"), new("Harry", "harry")], [new("Hughes", "hughes"), new("Evans", "evans"), new("Wright", "wright")]),
        new("SG", "65", [new("Wei Ling", "weiling"), new("Jun Jie", "junjie"), new("Priya", "priya")], [new("Tan", "tan"), new("Lim", "lim"), new("Ng", "ng")]),
        new("FR", "33", [new("Camille", "camille"), new("Louis", "louis"), new("Élodie", "elodie")], [new("Dubois", "dubois"), new("Martin", "martin"), new("Lefèvre", "lefevre")]),
        new("AU", "61", [new("Chloe", "chloe"), new("Jack", "jack"), new("Mia", "mia")], [new("Wilson", "wilson"), new("Taylor", "taylor"), new("Nguyen", "nguyen")]),
        new("IN", "91", [new("Arjun", "arjun"), new("Ananya", "ananya"), new("Rahul", "rahul")], [new("Sharma", "sharma"), new("Patel", "patel"), new("Iyer", "iyer")]),
        new("KR", "82", [new("Min-jun", "minjun"), new("Seo-yeon", "seoyeon"), new("Ji-ho", "jiho")], [new("Kim", "kim"), new("Park", "park"), new("Choi", "choi")]),
    ];

    /// <summary>Free-mail providers used in Japan (all in the built-in free_mail_domains list).</summary>
    public static IReadOnlyList<string> JpFreeMail { get; } =
        ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com", "ezweb.ne.jp", "outlook.com", "softbank.ne.jp", "nifty.com"];

    public static IReadOnlyList<string> UsFreeMail { get; } =
        ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.com", "aol.com", "proton.me", "live.com"];

    /// <summary>Titles that the sample's decision-maker rule recognizes.</summary>
    public static IReadOnlyList<string> JpDecisionTitles { get; } =
        ["部長", "情報システム部 部長", "取締役", "代表取締役社長", "営業本部長", "CTO", "執行役員 CIO"];

    public static IReadOnlyList<string> UsDecisionTitles { get; } =
        ["CEO", "CTO", "CIO", "CFO", "VP Sales", "VP of Engineering", "Head of Marketing", "Director of IT", "President", "Head of Revenue Operations"];

    public static IReadOnlyList<string> JpOtherTitles { get; } =
        ["課長", "主任", "係長", "エンジニア", "営業", "マーケティング担当", "Engineer", "Marketing Manager", "システム管理者", "Sales Manager"];

    public static IReadOnlyList<string> UsOtherTitles { get; } =
    [
        "Marketing Manager", "Sales Manager", "Software Engineer", "Engineer", "Analyst", "Operations Manager",
        "Account Manager", "Consultant", "IT Manager", "Product Manager", "Office Manager", "Procurement Specialist",
    ];

    public static IReadOnlyList<string> JpStudentTitles { get; } = ["学生", "大学院生", "Intern"];

    public static IReadOnlyList<string> StudentTitles { get; } = ["Student", "Graduate Student", "Intern"];

    public static IReadOnlyList<(string Name, string Postal)> JpStates { get; } =
    [
        ("東京都", "100-0005"), ("Tokyo", "150-0002"), ("大阪府", "530-0001"), ("Osaka", "541-0041"), ("愛知県", "450-0002"),
        ("神奈川県", "220-0012"), ("福岡県", "812-0011"), ("北海道", "060-0005"),
    ];

    public static IReadOnlyList<(string Name, string Postal)> UsStates { get; } =
    [
        ("CA", "94105"), ("NY", "10001"), ("TX", "78701"), ("WA", "98101"), ("MA", "02110"), ("IL", "60601"),
        ("GA", "30303"), ("CO", "80202"),
    ];

    public static IReadOnlyList<string> Intents { get; } =
    [
        "lead routing", "CRM integration", "sales automation", "territory management", "marketing automation",
        "データ連携", "MA導入", "営業DX", "pipeline analytics",
    ];

    /// <summary>Who changes an owner by hand in the CRM (anyone but <c>service</c> is a manual change).</summary>
    public static IReadOnlyList<string> Humans { get; } =
        ["Kenji Watanabe", "Yuko Mori", "Sarah Clark", "Mike Harris", "山田 花子", "ops-admin"];

    /// <summary>
    /// CRM owner ids that belong to nobody in the config (<c>owner: external</c>): users outside routing.
    /// Any of them that the rule set does resolve is skipped.
    /// </summary>
    public static IReadOnlyList<string> ExternalOwnerIds { get; } =
        ["0055g00000ZzZz9AAA", "0055g00000ZzYx1AAA", "0055g00000ZzWv3AAA", "49999901", "49999902"];

    /// <summary>Why closed-lost opportunities were lost (timing and budget feed the sample's closed-lost recycle).</summary>
    public static IReadOnlyList<string> LossReasons { get; } = ["timing", "budget", "competitor", "no_decision"];

    public static IReadOnlyList<string> OpportunityStages { get; } =
        ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"];
}
