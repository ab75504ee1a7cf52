using System.Text;
using TheModel.Sync.Worker.Cli;

// Section 14 normalizes company names by Unicode NFKC ("Ｂｌｕｅ" is "Blue", "（株）" is "(株)"), which .NET does through ICU.
// In globalization-invariant mode (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1, set by some container images) it silently
// leaves such text as it is, and the same person would match another account: refuse to run instead.
if ("Ａ".Normalize(NormalizationForm.FormKC) != "A")
{
    await Console.Error.WriteLineAsync(
        "error: Unicode normalization is unavailable (.NET globalization-invariant mode, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT, or no ICU library): " +
        "company names could not be matched as the routing language defines; unset the variable or install ICU (libicu)");
    return 1;
}

return await CommandLine.RunAsync(args);
