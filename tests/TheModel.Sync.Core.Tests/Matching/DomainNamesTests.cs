using TheModel.Sync.Core.Matching;

namespace TheModel.Sync.Core.Tests.Matching;

public sealed class DomainNamesTests
{
    [Theory]
    [InlineData("https://www.Example.com:8443/path?q=1#frag", "example.com")]
    [InlineData("http://user:secret@shop.example.co.jp/", "shop.example.co.jp")]
    [InlineData("www.bigco.example", "bigco.example")]
    [InlineData("bigco.example/about/team", "bigco.example")]
    [InlineData("HTTPS://WWW.BIGCO.EXAMPLE./", "bigco.example")]
    [InlineData("//cdn.example.com/x.js", "cdn.example.com")]
    [InlineData("example.com:80", "example.com")]
    [InlineData("example.com?utm_source=x", "example.com")]
    [InlineData("example.com#top", "example.com")]
    [InlineData("https://acme.example\\index", "acme.example")]
    [InlineData("  https://acme.example  ", "acme.example")]
    [InlineData("ftp://files.example.org", "files.example.org")]
    [InlineData("jp.bigco.example", "jp.bigco.example")]
    [InlineData("www2.example.com", "www2.example.com")]
    [InlineData("https://wwwexample.com", "wwwexample.com")]
    [InlineData("https://www.www.example.com", "www.example.com")]
    [InlineData("https://EXAMPLE.日本/パス", "example.日本")]
    [InlineData("https://例え.テスト", "例え.テスト")]
    [InlineData("http://[2001:DB8::1]:8080/", "[2001:db8::1]")]
    public void HostOfWebsite_Url_ReturnsHost(string website, string expected)
    {
        Assert.Equal(expected, DomainNames.HostOfWebsite(website));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a website")]
    [InlineData("http://")]
    [InlineData("https:///path")]
    [InlineData("http:example.com")]
    [InlineData("example.com:abc")]
    [InlineData(".example.com")]
    [InlineData("a..example.com")]
    [InlineData("acme, inc")]
    [InlineData("https://exa mple.com")]
    [InlineData("https://[::1")]
    [InlineData("https://[]")]
    public void HostOfWebsite_Unreadable_ReturnsNull(string? website)
    {
        Assert.Null(DomainNames.HostOfWebsite(website));
    }

    [Theory]
    [InlineData("https://www.acme.example/contact", "jane@other.example", "given.example", "acme.example")]
    [InlineData("HTTP://ACME.EXAMPLE", null, null, "acme.example")]
    [InlineData(null, "Jane.Doe@Sub.Acme.EXAMPLE", "given.example", "sub.acme.example")]
    [InlineData(null, "  jane@acme.example  ", null, "acme.example")]
    [InlineData(null, "\"odd@name\"@acme.example", null, "acme.example")]
    [InlineData("", "jane@acme.example", "given.example", "acme.example")]
    [InlineData("not a website", "jane@acme.example", "given.example", "acme.example")]
    [InlineData(null, null, "WWW.Given.Example", "given.example")]
    [InlineData(null, null, "https://given.example/path", "given.example")]
    [InlineData("", "", "Given.Example", "given.example")]
    [InlineData(null, "no-at-sign", "given.example", "given.example")]
    [InlineData(null, "jane@", "given.example", "given.example")]
    [InlineData(null, "jane@   ", "given.example", "given.example")]
    [InlineData(null, "a@BÜCHER.example", null, "bücher.example")]              // every letter lower-cased, not ASCII only
    [InlineData("https://ÉCOLE.Example/x", null, null, "école.example")]
    [InlineData(null, null, "MÜNCHEN.example", "münchen.example")]
    public void Derive_Inputs_FollowsSection2Precedence(string? website, string? email, string? given, string expected)
    {
        Assert.Equal(expected, DomainNames.Derive(website, email, given));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", " ", "")]
    [InlineData("not a website", "no-at-sign", "  ")]
    [InlineData(null, "jane@", "not a domain")]
    public void Derive_NothingUsable_ReturnsNull(string? website, string? email, string? given)
    {
        Assert.Null(DomainNames.Derive(website, email, given));
    }

    [Theory]
    [InlineData("bigco.example", "bigco.example", true)]
    [InlineData("jp.bigco.example", "bigco.example", true)]
    [InlineData("a.b.bigco.example", "bigco.example", true)]
    [InlineData("JP.BigCo.Example", "bigco.example", true)]
    [InlineData("bigco.example", "BIGCO.EXAMPLE", true)]
    [InlineData("notbigco.example", "bigco.example", false)]
    [InlineData("bigco.example", "jp.bigco.example", false)]
    [InlineData("bigco.example.com", "bigco.example", false)]
    [InlineData("example", "bigco.example", false)]
    [InlineData(".bigco.example", "bigco.example", true)]
    [InlineData("x.example", "", false)]
    [InlineData("", "", false)]
    public void IsSameOrSubdomain_Pair_ReturnsExpected(string domain, string parent, bool expected)
    {
        Assert.Equal(expected, DomainNames.IsSameOrSubdomain(domain, parent));
    }

    [Fact]
    public void IsSameOrSubdomain_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => DomainNames.IsSameOrSubdomain(null!, "example.com"));
        Assert.Throws<ArgumentNullException>(() => DomainNames.IsSameOrSubdomain("example.com", null!));
    }
}
