using System.Text;
using TheModel.Sync.Application.Input;
using TheModel.Sync.Core.Records;

namespace TheModel.Sync.Application.Tests.Input;

public sealed class InputFilesTests
{
    private static List<InputRecord> Json(string text) =>
        InputFiles.ReadJsonLines(new MemoryStream(Encoding.UTF8.GetBytes(text))).ToList();

    private static List<InputRecord> Csv(string text) => InputFiles.ReadCsv(new StringReader(text)).ToList();

    [Theory]
    [InlineData("""{"id":"p1","email":"x@mega.example","email":"y@zz.example"}""", "email")]
    [InlineData("""{"id":"p1","owner":"yui","owner":null}""", "owner")]
    public void ReadJsonLines_KeyGivenTwice_LineRejected(string line, string key)
    {
        var record = Json(line)[0];

        Assert.Equal($"{key} is given twice; which one is meant is not clear", record.Error);
        Assert.Empty(record.Values);
    }

    [Fact]
    public void ReadCsv_HeaderNamingAColumnTwice_EveryRowRejectedWithTheReason()
    {
        var records = Csv("id,email,email\np1,x@mega.example,y@zz.example\np2,a@b.example,c@d.example\n");

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("email is given twice; which one is meant is not clear (the header names the column twice)", r.Error));
        Assert.Equal("p2,a@b.example,c@d.example", records[1].Text);
    }

    [Theory]
    [InlineData("id;email;country\np1;a@b.example;JP\np2;c@d.example;US\n", "semicolons")]
    [InlineData("id\temail\np1\ta@b.example\n", "tabs")]
    public void ReadCsv_SeparatedByAnotherCharacter_EveryRowSaysSo(string text, string separator)
    {
        var records = Csv(text);

        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Equal(
            $"the header has no comma but has {separator}: the file seems separated by them (a spreadsheet's export in some locales); CSV input is separated by commas",
            r.Error));
        Assert.Null(Csv("id\np1;x\n")[0].Error);
    }

    [Fact]
    public void ReadCsv_QuoteNeverClosed_RejectsItsLineOnly_AndReadsTheRowsItSwallowed()
    {
        // A quoted field may span lines, so the reader only knows at the end of the file that this one never closes.
        var records = Csv("id,first_name\np1,\"Yuko\np2,Ann\np3,Bo\n");

        Assert.Equal(3, records.Count);
        Assert.Equal((2L, "p1,\"Yuko"), (records[0].Line, records[0].Text));
        Assert.StartsWith("a quoted field is not closed by the end of the file", records[0].Error, StringComparison.Ordinal);
        Assert.Equal((3L, "p2", "Ann"), (records[1].Line, records[1].Values![0].Value.Text, records[1].Values![1].Value.Text));
        Assert.Equal((4L, "p3", "Bo"), (records[2].Line, records[2].Values![0].Value.Text, records[2].Values![1].Value.Text));
    }

    /// <summary>CSV from a file, as the commands read it (the byte-level reader that checks each line is UTF-8).</summary>
    private static List<InputRecord> CsvFile(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "tm-csv-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllBytes(path, bytes);
        try
        {
            return InputFiles.ReadCsv(path).ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static readonly Encoding Latin1 = Encoding.Latin1;

    [Fact]
    public void ReadCsvFile_LineInAnotherEncoding_RejectedWithTheReason_OtherLinesRead()
    {
        // A row saved as Latin-1 (é is one byte, 0xE9): before, it read as "Ren\uFFFD" and routed on that.
        var bytes = Encoding.UTF8.GetBytes("id,first_name,company\np1,Yuki,株式会社テスト\n")
            .Concat(Latin1.GetBytes("p2,René,Café SA\n"))
            .Concat(Encoding.UTF8.GetBytes("p3,Zoë,\"Bar\nBaz\"\n"))
            .ToArray();

        var records = CsvFile(bytes);

        Assert.Equal(3, records.Count);
        Assert.Null(records[0].Error);
        Assert.Equal("株式会社テスト", records[0].Values[2].Value.Text);
        Assert.Equal(3L, records[1].Line);
        Assert.StartsWith("the line is not UTF-8 text", records[1].Error, StringComparison.Ordinal);
        Assert.Equal("p2,Ren\uFFFD,Caf\uFFFD SA", records[1].Text);
        Assert.Null(records[2].Error);
        Assert.Equal(("Zoë", "Bar\nBaz"), (records[2].Values[1].Value.Text, records[2].Values[2].Value.Text));
    }

    [Fact]
    public void ReadCsvFile_ShiftJisFile_EveryRowRejected_ForItsHeaderToo()
    {
        // Excel in Japan saves "CSV" as Shift_JIS. The header here is ASCII, so each row is rejected on its own.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var sjis = Encoding.GetEncoding("shift_jis");
        var records = CsvFile(sjis.GetBytes("id,company\np1,株式会社テスト\np2,ACME\n"));
        Assert.StartsWith("the line is not UTF-8 text", records[0].Error, StringComparison.Ordinal);
        Assert.Null(records[1].Error);

        records = CsvFile(sjis.GetBytes("id,会社\np1,ACME\n"));
        Assert.StartsWith("the line is not UTF-8 text", records[0].Error, StringComparison.Ordinal);
        Assert.EndsWith("(the header is not, so no column can be trusted)", records[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsvFile_LineBreaksBomAndLongLines_ReadAsStreamReaderWould()
    {
        var longName = new string('é', 50_000); // 100,000 bytes: longer than the reader's buffer
        var text = "\uFEFFid,first_name\r\np1,A\rp2,B\n\np3," + longName + "\r\np4,\"x\r\ny\"";
        var records = CsvFile(Encoding.UTF8.GetBytes(text));
        var expected = InputFiles.ReadCsv(new StringReader(text.TrimStart('\uFEFF'))).ToList();

        Assert.Equal(expected.Select(r => (r.Line, r.Error, r.Text)), records.Select(r => (r.Line, r.Error, r.Text)));
        Assert.Equal(["p1", "p2", "p3", "p4"], records.Select(r => r.Values[0].Value.Text));
        Assert.Equal(longName, records[2].Values[1].Value.Text);
        Assert.Equal("x\ny", records[3].Values[1].Value.Text);
    }

    [Fact]
    public void ReadCsvFile_Utf16WithItsByteOrderMark_StillRead()
    {
        var records = CsvFile(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("id,company\np1,株式会社テスト\n")).ToArray());
        Assert.Equal("株式会社テスト", Assert.Single(records).Values[1].Value.Text);
    }

    [Fact]
    public void ReadCsvFile_QuoteNeverClosed_OverALineInAnotherEncoding_TheSwallowedLineIsRejectedOnItsOwn()
    {
        var bytes = Encoding.UTF8.GetBytes("id,first_name\np1,\"Yuko\n").Concat(Latin1.GetBytes("p2,René\n")).Concat(Encoding.UTF8.GetBytes("p3,Bo\n")).ToArray();

        var records = CsvFile(bytes);

        Assert.Equal(3, records.Count);
        Assert.StartsWith("a quoted field is not closed", records[0].Error, StringComparison.Ordinal);
        Assert.StartsWith("the line is not UTF-8 text", records[1].Error, StringComparison.Ordinal);
        Assert.Null(records[2].Error);
    }

    [Fact]
    public void ReadJsonLines_TextThatIsNoString_RejectsThatLineOnly()
    {
        // Bytes that are not UTF-8, and an escape without its pair: the reader could not make a string, and threw.
        var bytes = Encoding.UTF8.GetBytes("{\"id\":\"p1\",\"title\":\"X\"}\n{\"id\":\"p2\",\"title\":\"\\ud800\"}\n{\"id\":\"p3\"}\n");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;

        var records = InputFiles.ReadJsonLines(new MemoryStream(bytes)).ToList();

        Assert.Equal(3, records.Count);
        Assert.StartsWith("invalid text: Cannot transcode invalid UTF-8", records[0].Error, StringComparison.Ordinal);
        Assert.StartsWith("invalid text: Cannot read incomplete UTF-16", records[1].Error, StringComparison.Ordinal);
        Assert.Null(records[2].Error);
    }

    [Fact]
    public void ReadJsonLines_LinesEndingInCrAlone_OneRejectThatSaysWhy()
    {
        var records = Json("{\"id\":\"p1\"}\r{\"id\":\"p2\"}\r");

        Assert.StartsWith("unexpected text after the JSON object; the lines of this file seem to end in a carriage return alone", Assert.Single(records).Error, StringComparison.Ordinal);
        Assert.Equal("unexpected text after the JSON object", Json("{\"id\":\"p1\"} {\"id\":\"p2\"}")[0].Error);
    }

    [Fact]
    public void ReadJsonLines_BlankLinesCrLfAndBom_KeepLineNumbers()
    {
        var records = Json("\uFEFF{\"id\":\"p1\"}\r\n\r\n{\"id\":\"p2\"}\n   \n{\"id\":3}");
        Assert.Equal([1L, 3L, 5L], records.Select(r => r.Line));
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.Equal("3", records[2].Values[0].Value.Text);
    }

    [Theory]
    [InlineData("{\"id\": \"p1\",}", "invalid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("{\"id\":\"p1\"} {\"id\":\"p2\"}", "unexpected text after the JSON object")]
    public void ReadJsonLines_BadLine_ReportedWithLineAndReadingGoesOn(string bad, string reason)
    {
        var records = Json("{\"id\":\"ok\"}\n" + bad + "\n{\"id\":\"after\"}\n");
        Assert.Equal(3, records.Count);
        Assert.Equal(2, records[1].Line);
        Assert.StartsWith(reason, records[1].Error, StringComparison.Ordinal);
        Assert.Equal(bad, records[1].Text);
        Assert.Null(records[2].Error);
    }

    [Fact]
    public void ReadCsv_QuotedCommasQuotesAndLineBreaks_FollowRfc4180()
    {
        var records = Csv("id,company,title\np1,\"Acme, Inc.\",\"He said \"\"hi\"\"\"\np2,\"Multi\nLine\",CTO\np3,,\n");
        Assert.Equal(3, records.Count);
        Assert.Equal("Acme, Inc.", records[0].Values[1].Value.Text);
        Assert.Equal("He said \"hi\"", records[0].Values[2].Value.Text);
        Assert.Equal("Multi\nLine", records[1].Values[1].Value.Text);
        Assert.Equal(5, records[2].Line);
        Assert.True(records[2].Values[1].Value.IsNull);
    }

    [Fact]
    public void ReadCsv_WrongFieldCount_IsAnErrorForThatRecordOnly()
    {
        var records = Csv("id,company\np1,Acme\np2,Acme,extra\np3,Beta\n");
        Assert.Equal("expected 2 fields as in the header, found 3", records[1].Error);
        Assert.Equal(3, records[1].Line);
        Assert.Null(records[2].Error);
    }

    [Fact]
    public void TryPerson_AllKinds_ConvertedToCanonicalTypes()
    {
        var line = """{"id":"p1","email":"a@b.example","employees":"250","stage":"mql","owner_set_at":"2026-11-30T10:00:00+09:00","previous_owners":["aiko","ren"],"touches":3,"fields":{"last_form":"Demo request","views":4,"vip":true},"account":"a9"}""";
        var record = Json(line)[0];
        Assert.True(RecordBuilders.TryPerson(record.Values, out var p, out var error), error);
        Assert.Equal(250, p!.Employees);
        Assert.Equal(Stage.Mql, p.Stage);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero), p.OwnerSetAt);
        Assert.Equal(["aiko", "ren"], p.PreviousOwners);
        Assert.Equal(3, p.Touches);
        Assert.Equal("a9", p.AccountId);
        Assert.Equal(Value.Of("Demo request"), p.Fields!["last_form"]);
        Assert.Equal(4, p.Fields["views"].AsNumber);
        Assert.True(p.Fields["vip"].AsBool);
    }

    [Fact]
    public void TryPerson_CsvCells_ListsSplitOnSemicolonsAndCustomFieldHeaders()
    {
        var record = Csv("id,previous_owners,fields.intent,stage\np1,aiko; ren,pricing,sql\n")[0];
        Assert.True(RecordBuilders.TryPerson(record.Values, out var p, out var error), error);
        Assert.Equal(["aiko", "ren"], p!.PreviousOwners);
        Assert.Equal("pricing", p.Fields!["intent"].AsString);
        Assert.Equal(Stage.Sql, p.Stage);
    }

    [Theory]
    [InlineData("""{"id":"p1","employes":5}""", "unknown field 'employes'; did you mean 'employees'?")]
    [InlineData("""{"id":"p1","employees":"many"}""", "employees: 'many' is not a number")]
    [InlineData("""{"id":"p1","touches":1.5}""", "touches: 1.5 is not an integer")]
    [InlineData("""{"id":"p1","employees":"250.5"}""", "employees: '250.5' is not an integer")]
    [InlineData("""{"id":"p1","stage":"lead"}""", "stage: 'lead' is not a stage; stages are new, mql, working, sql, customer, nurture, disqualified")]
    [InlineData("""{"id":"p1","owner_set_at":"2026-11-30 10:00"}""", "owner_set_at: '2026-11-30 10:00' is not an ISO 8601 timestamp with an offset (e.g. 2026-11-30T10:00:00+09:00)")]
    [InlineData("""{"email":"x@y.example"}""", "id is required")]
    [InlineData("""{"id":"p1","employees":1e400}""", "employees: 1e400 is not a finite number")]
    [InlineData("""{"id":"p1","annual_revenue":"NaN"}""", "annual_revenue: 'NaN' is not a finite number")]
    [InlineData("""{"id":"p1","annual_revenue":"-Infinity"}""", "annual_revenue: '-Infinity' is not a finite number")]
    [InlineData("""{"id":"p1","touches":123456789012345678901234567890}""", "touches: 123456789012345678901234567890 is not an integer")]
    [InlineData("""{"id":"p1","fields":{"a":{"b":1}}}""", "fields.a: nested objects are not supported")]
    public void TryPerson_BadValue_ClearReason(string line, string reason)
    {
        var record = Json(line)[0];
        Assert.False(RecordBuilders.TryPerson(record.Values, out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void TryAccount_TypeMustBeKnown()
    {
        var record = Json("""{"id":"a1","type":"vendor"}""")[0];
        Assert.False(RecordBuilders.TryAccount(record.Values, out _, out var error));
        Assert.Equal("type: 'vendor' is not an account type; types are prospect, customer, partner, former_customer", error);
    }
}
