using System.Text.Json;
using Json.Schema;

namespace TheModel.Sync.Config.Tests.Schema;

/// <summary>The schema's <c>report:</c> agrees with the compiler on what it can express (the chain's order is the compiler's).</summary>
public sealed class ReportSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoRoot(), "config", "schema", "themodel.schema.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "TheModel.Sync.sln")))
        {
            dir = dir.Parent;
        }

        return dir.FullName;
    }

    [Theory]
    [InlineData("""{ "period": "month", "benchmarks": { "new->mql": "15%", "mql -> won": "12.5%", "sql->customer": "100%" } }""", true)]
    [InlineData("""{ "benchmarks": {} }""", true)]
    [InlineData("""{ "benchmarks": null }""", true)]
    [InlineData("""{ "period": "fortnight" }""", false)]
    [InlineData("""{ "benchmark": { "new->mql": "15%" } }""", false)]
    [InlineData("""{ "benchmarks": { "nurture->mql": "15%" } }""", false)]
    [InlineData("""{ "benchmarks": { "new-mql": "15%" } }""", false)]
    [InlineData("""{ "benchmarks": { "new->mql": "150%" } }""", false)]
    [InlineData("""{ "benchmarks": { "new->mql": "12.25%" } }""", false)]
    [InlineData("""{ "benchmarks": { "new->mql": 15 } }""", false)]
    public void Evaluate_ReportSection_AgreesWithTheCompiler(string report, bool valid)
    {
        using var document = JsonDocument.Parse($$"""{ "version": 1, "report": {{report}} }""");

        Assert.Equal(valid, Schema.Value.Evaluate(document.RootElement).IsValid);
    }
}
