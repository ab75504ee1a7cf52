namespace TheModel.Sync.FunctionalTests;

public sealed class PlaceholderTests
{
    [Fact]
    public void WorkerAssembly_IsBuiltBesideTheTests() =>
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "themodel-sync.dll")));
}
