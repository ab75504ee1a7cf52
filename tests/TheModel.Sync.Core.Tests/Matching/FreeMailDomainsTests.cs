using TheModel.Sync.Core.Matching;

namespace TheModel.Sync.Core.Tests.Matching;

public sealed class FreeMailDomainsTests
{
    [Theory]
    [InlineData("gmail.com")]
    [InlineData("googlemail.com")]
    [InlineData("yahoo.com")]
    [InlineData("yahoo.co.jp")]
    [InlineData("ymail.com")]
    [InlineData("outlook.com")]
    [InlineData("hotmail.com")]
    [InlineData("live.com")]
    [InlineData("msn.com")]
    [InlineData("icloud.com")]
    [InlineData("me.com")]
    [InlineData("aol.com")]
    [InlineData("proton.me")]
    [InlineData("protonmail.com")]
    [InlineData("gmx.com")]
    [InlineData("mail.com")]
    [InlineData("docomo.ne.jp")]
    [InlineData("ezweb.ne.jp")]
    [InlineData("au.com")]
    [InlineData("softbank.ne.jp")]
    [InlineData("i.softbank.jp")]
    [InlineData("nifty.com")]
    [InlineData("biglobe.ne.jp")]
    [InlineData("ocn.ne.jp")]
    public void All_Section14Domain_IsListed(string domain)
    {
        Assert.Contains(domain, FreeMailDomains.All);
    }

    [Theory]
    [InlineData("yahoo.co.uk")]
    [InlineData("qq.com")]
    [InlineData("163.com")]
    [InlineData("naver.com")]
    [InlineData("mail.ru")]
    [InlineData("yandex.ru")]
    [InlineData("zoho.com")]
    [InlineData("tutanota.com")]
    [InlineData("fastmail.com")]
    [InlineData("hotmail.co.jp")]
    [InlineData("outlook.jp")]
    [InlineData("web.de")]
    [InlineData("mac.com")]
    public void All_CommonProvider_IsListed(string domain)
    {
        Assert.Contains(domain, FreeMailDomains.All);
    }

    [Theory]
    [InlineData("google.com")]
    [InlineData("microsoft.com")]
    [InlineData("yahoo.example")]
    [InlineData("bigco.example")]
    [InlineData("softbank.jp")]
    public void All_CompanyDomain_IsNotListed(string domain)
    {
        Assert.DoesNotContain(domain, FreeMailDomains.All);
    }

    [Fact]
    public void All_Entries_AreCleanLowerCaseHostsWithoutDuplicates()
    {
        var all = FreeMailDomains.All;

        Assert.True(all.Count >= 100, $"expected a broad list, got {all.Count}");
        Assert.Equal(all.Count, all.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(all, domain => Assert.Equal(domain, DomainNames.HostOfWebsite(domain)));
    }

    [Fact]
    public void All_CastToList_CannotBeModified()
    {
        var list = Assert.IsAssignableFrom<IList<string>>(FreeMailDomains.All);

        Assert.True(list.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => list[0] = "bigco.example");
        Assert.Equal("gmail.com", FreeMailDomains.All[0]);
    }
}
