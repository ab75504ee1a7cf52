using TheModel.Sync.Core.Matching;

namespace TheModel.Sync.Core.Tests.Matching;

public sealed class CompanyNamesTests
{
    [Theory]
    // Latin legal forms at the end, with and without a period, any case.
    [InlineData("Acme Inc", "acme")]
    [InlineData("Acme Inc.", "acme")]
    [InlineData("ACME INC.", "acme")]
    [InlineData("Acme, Inc.", "acme")]
    [InlineData("Acme,Inc", "acme")]
    [InlineData("Acme Corp", "acme")]
    [InlineData("Acme Corp.", "acme")]
    [InlineData("Sony Corporation", "sony")]
    [InlineData("Sony Corporation.", "sony")]
    [InlineData("Acme LLC", "acme")]
    [InlineData("Acme LLC.", "acme")]
    [InlineData("Acme Ltd", "acme")]
    [InlineData("Acme Ltd.", "acme")]
    [InlineData("Acme Co", "acme")]
    [InlineData("Acme Co.", "acme")]
    [InlineData("Bar GmbH", "bar")]
    [InlineData("Bar GmbH.", "bar")]
    [InlineData("Foo K.K.", "foo")]
    [InlineData("Foo K.K", "foo")]
    [InlineData("Foo k.k.", "foo")]
    // "co., ltd." and other repeated suffixes.
    [InlineData("Acme Co., Ltd.", "acme")]
    [InlineData("Acme Co., Ltd", "acme")]
    [InlineData("Acme Co.,Ltd.", "acme")]
    [InlineData("Acme Co Ltd", "acme")]
    [InlineData("Acme Holdings Co., Ltd.", "acme holdings")]
    [InlineData("Acme Corp, Inc.", "acme")]
    [InlineData("Acme Inc. Ltd. Co.", "acme")]
    [InlineData("Acme Inc  ,  ", "acme")]
    // Whole words only, and only at the end.
    [InlineData("Disco", "disco")]
    [InlineData("Disco Corp", "disco")]
    [InlineData("Costco", "costco")]
    [InlineData("Acmeinc", "acmeinc")]
    [InlineData("Acme.Inc", "acmeinc")]
    [InlineData("Inc Software Ltd", "inc software")]
    [InlineData("Acme Co. Japan", "acme co japan")]
    [InlineData("Acme (Inc.)", "acme inc")]
    [InlineData("Co-op Foods", "coop foods")]
    [InlineData("Coca-Cola Co", "cocacola")]
    [InlineData("3M Co", "3m")]
    // A name that is only legal forms is removed whole ("or the start").
    [InlineData("Inc.", "")]
    [InlineData("Co., Ltd.", "")]
    // Japanese forms anywhere, no space left behind; ㈱ and （株） reach "(株)" through NFKC.
    [InlineData("株式会社トヨタ", "トヨタ")]
    [InlineData("トヨタ自動車株式会社", "トヨタ自動車")]
    [InlineData("株式会社 トヨタ", "トヨタ")]
    [InlineData("有限会社山田商店", "山田商店")]
    [InlineData("合同会社サンプル", "サンプル")]
    [InlineData("(株)サンプル", "サンプル")]
    [InlineData("（株）サンプル", "サンプル")]
    [InlineData("㈱サンプル", "サンプル")]
    [InlineData("サンプル㈱", "サンプル")]
    [InlineData("サン㈱プル", "サンプル")]
    [InlineData("㍿サンプル", "サンプル")]
    [InlineData("ｿﾆｰ株式会社", "ソニー")]
    [InlineData("株式会社ABC Co., Ltd.", "abc")]
    [InlineData("ＡＢＣ　ホールディングス株式会社", "abc ホールディングス")]
    // NFKC: full-width, composed accents, compatibility characters.
    [InlineData("ＡＣＭＥ　Ｉｎｃ．", "acme")]
    [InlineData("Ａｃｍｅ，　Ｉｎｃ", "acme")]
    [InlineData("Cafe\u0301 Inc", "café")]
    [InlineData("ÉCOLE Ltd", "école")]
    [InlineData("Acme\u00A0Ltd", "acme")]
    // Punctuation deleted, spaces collapsed, trimmed.
    [InlineData("  Acme   Widgets  ", "acme widgets")]
    [InlineData("Acme\tWidgets\n", "acme widgets")]
    [InlineData("Johnson & Johnson", "johnson johnson")]
    [InlineData("AT&T Inc.", "att")]
    [InlineData("Yahoo!", "yahoo")]
    [InlineData("O'Reilly Media, Inc.", "oreilly media")]
    [InlineData("トヨタ・モビリティ「東京」", "トヨタモビリティ東京")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData(null, "")]
    public void Normalize_Name_FollowsSection14(string? name, string expected)
    {
        Assert.Equal(expected, CompanyNames.Normalize(name));
    }

    [Fact]
    public void Normalize_AlreadyNormalized_ReturnsSameInstance()
    {
        var name = "acme widgets";

        Assert.Same(name, CompanyNames.Normalize(name));
    }

    [Fact]
    public void Normalize_AlreadyNormalizedAscii_AllocatesNothing()
    {
        var name = "acme widgets international";
        CompanyNames.Normalize(name);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            CompanyNames.Normalize(name);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(1000, " Inc.")]
    [InlineData(1000, " 株式会社")]
    public void Normalize_LongName_StripsLikeShortOne(int length, string suffix)
    {
        var body = new string('a', length);

        Assert.Equal(body, CompanyNames.Normalize(body + suffix));
    }

    [Fact]
    public void Normalize_LoneSurrogate_KeepsTheTextInsteadOfThrowing()
    {
        Assert.Equal("acme\uD800", CompanyNames.Normalize("Acme\uD800 株式会社"));
    }
}
