using System.Collections.ObjectModel;

namespace TheModel.Sync.Core.Matching;

/// <summary>
/// The built-in list <c>free_mail_domains</c> (<c>lists: { free-mail: { builtin: free_mail_domains } }</c>):
/// consumer mailbox providers whose domain says nothing about the person's company.
/// </summary>
public static class FreeMailDomains
{
    // Section 14 names a minimum set; the rest are large consumer providers and consumer ISPs, so that
    // "domain in free-mail" means what a revenue-operations person expects in Japan, the US and Europe.
    // Entries are lower-case hosts with no "www."; a domain list also matches subdomains (section 4).
    private static readonly string[] Domains =
    [
        // Required by section 14, in its order.
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.jp", "ymail.com", "outlook.com", "hotmail.com",
        "live.com", "msn.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com",
        "mail.com", "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp", "nifty.com",
        "biglobe.ne.jp", "ocn.ne.jp",

        // Google, Yahoo, Microsoft, Apple, AOL regional and legacy domains.
        "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.it", "yahoo.es", "yahoo.ca", "yahoo.com.au", "yahoo.co.in",
        "yahoo.in", "yahoo.com.br", "yahoo.com.mx", "yahoo.com.ar", "yahoo.com.sg", "yahoo.com.hk", "yahoo.com.tw",
        "yahoo.co.id", "yahoo.com.ph", "yahoo.co.nz", "yahoo.ie", "rocketmail.com",
        "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es", "hotmail.ca", "hotmail.com.au",
        "hotmail.com.br", "hotmail.co.jp", "live.jp", "live.co.uk", "live.fr", "live.de", "live.it", "live.ca",
        "live.com.au", "outlook.jp", "outlook.fr", "outlook.de", "outlook.it", "outlook.es", "windowslive.com",
        "passport.com", "mac.com", "aim.com",

        // Privacy and independent providers.
        "protonmail.ch", "pm.me", "tutanota.com", "tutanota.de", "tutamail.com", "tuta.io", "tuta.com",
        "fastmail.com", "fastmail.fm", "hushmail.com", "zoho.com", "zohomail.com", "mailfence.com", "posteo.de",
        "mailbox.org", "runbox.com", "disroot.org",

        // Europe.
        "gmx.net", "gmx.de", "gmx.at", "gmx.ch", "gmx.fr", "gmx.co.uk", "web.de", "t-online.de", "freenet.de",
        "arcor.de", "email.com", "usa.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr",
        "libero.it", "virgilio.it", "tiscali.it", "alice.it", "btinternet.com", "sky.com", "virginmedia.com",
        "ntlworld.com", "talktalk.net", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "onet.pl", "ukr.net",
        "abv.bg", "freemail.hu", "terra.es",

        // Russia.
        "yandex.ru", "yandex.com", "ya.ru", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "rambler.ru",

        // China, Korea, India.
        "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com",
        "aliyun.com", "139.com", "naver.com", "hanmail.net", "daum.net", "kakao.com", "nate.com",
        "rediffmail.com",

        // Japan: carrier and ISP mailboxes and portals.
        "ybb.ne.jp", "so-net.ne.jp", "plala.or.jp", "dion.ne.jp", "zaq.ne.jp", "excite.co.jp", "livedoor.com",
        "rakuten.jp", "ymobile.ne.jp", "disney.ne.jp", "uqmobile.jp", "auone.jp", "mineo.jp",
        "eonet.ne.jp", "jcom.home.ne.jp", "kcn.ne.jp", "odn.ne.jp", "gol.com",

        // North America, Latin America, Oceania.
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net",
        "earthlink.net", "juno.com", "optonline.net", "frontier.com", "shaw.ca", "rogers.com", "sympatico.ca",
        "bigpond.com", "optusnet.com.au", "xtra.co.nz", "uol.com.br", "bol.com.br", "terra.com.br",
    ];

    /// <summary>The list's domains, lower-case, without duplicates.</summary>
    public static IReadOnlyList<string> All { get; } = new ReadOnlyCollection<string>(Domains);
}
