using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TheModel.Sync.Salesforce.Auth;

/// <summary>The signed JWT of the OAuth 2.0 JWT bearer flow (facts S-2): RS256 over <c>{"alg":"RS256"}</c> and iss/sub/aud/exp.</summary>
internal static class JwtBearerAssertion
{
    /// <summary>How long the assertion is valid: Salesforce is commonly described as allowing three minutes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(3);

    private static readonly byte[] EncodedHeader = Encoding.UTF8.GetBytes(Base64Url.EncodeToString("""{"alg":"RS256"}"""u8));

    public static string Create(RSA key, string clientId, string username, string audience, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var claims = new MemoryStream();
        using (var writer = new Utf8JsonWriter(claims))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", clientId);
            writer.WriteString("sub", username);
            writer.WriteString("aud", audience);
            writer.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            writer.WriteEndObject();
        }

        var signingInput = new StringBuilder()
            .Append(Encoding.UTF8.GetString(EncodedHeader))
            .Append('.')
            .Append(Base64Url.EncodeToString(claims.ToArray()))
            .ToString();
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
