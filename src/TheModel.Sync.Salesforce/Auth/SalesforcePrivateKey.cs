using System.Security.Cryptography;

namespace TheModel.Sync.Salesforce.Auth;

/// <summary>Loads the JWT signing key from <see cref="SalesforceOptions.PrivateKeyPem"/> or <see cref="SalesforceOptions.PrivateKeyPath"/>.</summary>
internal static class SalesforcePrivateKey
{
    /// <summary>The RSA key; the caller owns (and disposes) it.</summary>
    public static RSA Load(SalesforceOptions options)
    {
        var pem = ReadPem(options);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>Null when a usable key is configured; otherwise the operator-facing reason (never the key itself).</summary>
    public static string? Check(SalesforceOptions options, string prefix)
    {
        var hasPem = !string.IsNullOrWhiteSpace(options.PrivateKeyPem);
        var hasPath = !string.IsNullOrWhiteSpace(options.PrivateKeyPath);
        if (hasPem == hasPath)
        {
            return hasPem
                ? $"{prefix}:PrivateKeyPem and {prefix}:PrivateKeyPath are both set; set only one."
                : $"{prefix}:PrivateKeyPem or {prefix}:PrivateKeyPath is required when AuthFlow is JwtBearer.";
        }

        try
        {
            using var rsa = Load(options);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{prefix}:PrivateKeyPath could not be read ({e.Message}), was '{options.PrivateKeyPath}'.";
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return hasPem
                ? $"{prefix}:PrivateKeyPem is not a PEM RSA private key."
                : $"{prefix}:PrivateKeyPath does not hold a PEM RSA private key, was '{options.PrivateKeyPath}'.";
        }
    }

    private static string ReadPem(SalesforceOptions options) =>
        !string.IsNullOrWhiteSpace(options.PrivateKeyPem) ? options.PrivateKeyPem : File.ReadAllText(options.PrivateKeyPath!);
}
