using System.Security.Cryptography;
using System.Text;

namespace TheModel.Sync.Simulators.HubSpot;

/// <summary>
/// The signatures HubSpot puts on webhook requests (facts H-7). Written here rather than taken from the connector so
/// that the simulator checks the connector instead of agreeing with it by construction.
/// </summary>
internal static class HubSpotWebhookSigner
{
    /// <summary>v1 <c>X-HubSpot-Signature</c>: lower-case hex SHA-256 of the client secret followed by the raw body.</summary>
    public static string V1(string clientSecret, ReadOnlySpan<byte> body)
    {
        var secret = Encoding.UTF8.GetBytes(clientSecret);
        var input = new byte[secret.Length + body.Length];
        secret.CopyTo(input, 0);
        body.CopyTo(input.AsSpan(secret.Length));
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>v3 <c>X-HubSpot-Signature-v3</c>: Base64 HMAC-SHA256, keyed with the secret, of method + uri + body + timestamp.</summary>
    public static string V3(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, string timestamp)
    {
        var head = Encoding.UTF8.GetBytes(method + uri);
        var tail = Encoding.UTF8.GetBytes(timestamp);
        var input = new byte[head.Length + body.Length + tail.Length];
        head.CopyTo(input, 0);
        body.CopyTo(input.AsSpan(head.Length));
        tail.CopyTo(input, head.Length + body.Length);
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clientSecret), input));
    }
}
