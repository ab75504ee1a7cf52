using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TheModel.Sync.HubSpot.Webhooks;

/// <summary>The outcome of verifying a HubSpot webhook signature.</summary>
public enum HubSpotSignatureResult
{
    /// <summary>The signature matches and, for v3, the timestamp is inside the 5-minute window.</summary>
    Valid,

    /// <summary>The signature header is absent or blank.</summary>
    MissingSignature,

    /// <summary>The v3 timestamp header is absent or blank.</summary>
    MissingTimestamp,

    /// <summary>The v3 timestamp header is not an unsigned integer of epoch milliseconds.</summary>
    BadTimestamp,

    /// <summary>The v3 timestamp is more than 5 minutes older, or more than 5 minutes newer, than now.</summary>
    Stale,

    /// <summary>The signature is malformed or does not match the computed one.</summary>
    Mismatch,
}

/// <summary>
/// Pure HubSpot webhook signature functions (v1, v2, v3), per crm-api-facts H-7.
/// The body is always the raw request bytes; never parse and re-serialise it before hashing.
/// The URI is hashed exactly as passed (as the official SDKs do), so pass the full URL HubSpot called,
/// scheme, host and query included.
/// </summary>
public static class HubSpotSignature
{
    /// <summary>The v3 freshness window: 5 minutes, in milliseconds, applied in both directions.</summary>
    public const long MaxTimestampSkewMilliseconds = 300_000;

    private const int Sha256Bytes = 32;

    /// <summary>
    /// v1: lower-case hex SHA-256 of UTF-8(<paramref name="clientSecret"/>) followed by the raw <paramref name="body"/> bytes.
    /// </summary>
    public static string ComputeV1(string clientSecret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);

        Span<byte> hash = stackalloc byte[Sha256Bytes];
        HashV1(clientSecret, body, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// v2: lower-case hex SHA-256 of UTF-8(<paramref name="clientSecret"/> + <paramref name="method"/> + <paramref name="uri"/>)
    /// followed by the raw <paramref name="body"/> bytes.
    /// </summary>
    public static string ComputeV2(string clientSecret, string method, string uri, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendUtf8(sha, clientSecret);
        AppendUtf8(sha, method);
        AppendUtf8(sha, uri);
        sha.AppendData(body);

        Span<byte> hash = stackalloc byte[Sha256Bytes];
        sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// v3: standard Base64 (padded) of HMAC-SHA256, keyed with UTF-8(<paramref name="clientSecret"/>), over
    /// UTF-8(<paramref name="method"/> + <paramref name="uri"/>) + raw <paramref name="body"/> + UTF-8(<paramref name="timestamp"/>).
    /// The timestamp is hashed exactly as received in the header.
    /// </summary>
    public static string ComputeV3(string clientSecret, string method, string uri, ReadOnlySpan<byte> body, string timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(timestamp);

        Span<byte> mac = stackalloc byte[Sha256Bytes];
        HmacV3(clientSecret, method, uri, body, timestamp, mac);
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// Verifies a v3 request (<c>X-HubSpot-Signature-v3</c>, <c>X-HubSpot-Request-Timestamp</c>): both headers present,
    /// the timestamp an integer of epoch milliseconds no more than 5 minutes (300,000 ms) older or newer than
    /// <paramref name="now"/> (exactly 300,000 ms is still accepted), and the Base64 signature equal, in constant time,
    /// to the HMAC of the raw body. Headers are checked in that order; the HMAC is computed only for fresh requests.
    /// </summary>
    public static HubSpotSignatureResult VerifyV3(
        string clientSecret,
        string method,
        string uri,
        ReadOnlySpan<byte> body,
        string? signatureHeader,
        string? timestampHeader,
        DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);

        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return HubSpotSignatureResult.MissingSignature;
        }

        if (string.IsNullOrWhiteSpace(timestampHeader))
        {
            return HubSpotSignatureResult.MissingTimestamp;
        }

        // Digits only: no sign, whitespace, decimal point or thousands separator; overflow is rejected too.
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestampMs))
        {
            return HubSpotSignatureResult.BadTimestamp;
        }

        // DateTimeOffset bounds keep nowMs within about ±2.6e14, so these sums cannot overflow whatever the header says.
        var nowMs = now.ToUnixTimeMilliseconds();
        if (timestampMs < nowMs - MaxTimestampSkewMilliseconds || timestampMs > nowMs + MaxTimestampSkewMilliseconds)
        {
            return HubSpotSignatureResult.Stale;
        }

        Span<byte> provided = stackalloc byte[Sha256Bytes];
        if (!Convert.TryFromBase64String(signatureHeader, provided, out var written) || written != Sha256Bytes)
        {
            return HubSpotSignatureResult.Mismatch;
        }

        Span<byte> expected = stackalloc byte[Sha256Bytes];
        HmacV3(clientSecret, method, uri, body, timestampHeader, expected);

        return CryptographicOperations.FixedTimeEquals(expected, provided)
            ? HubSpotSignatureResult.Valid
            : HubSpotSignatureResult.Mismatch;
    }

    /// <summary>
    /// Verifies a v1 <c>X-HubSpot-Signature</c>: present, 64 hex characters (either case), and equal, in constant time,
    /// to SHA-256 of the secret followed by the raw body. v1 has no timestamp, so it gives no replay protection;
    /// prefer <see cref="VerifyV3"/> when the v3 headers are present.
    /// </summary>
    public static HubSpotSignatureResult VerifyV1(string clientSecret, ReadOnlySpan<byte> body, string? signatureHeader)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);

        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return HubSpotSignatureResult.MissingSignature;
        }

        Span<byte> provided = stackalloc byte[Sha256Bytes];
        if (signatureHeader.Length != Sha256Bytes * 2
            || Convert.FromHexString(signatureHeader, provided, out _, out var written) != OperationStatus.Done
            || written != Sha256Bytes)
        {
            return HubSpotSignatureResult.Mismatch;
        }

        Span<byte> expected = stackalloc byte[Sha256Bytes];
        HashV1(clientSecret, body, expected);

        return CryptographicOperations.FixedTimeEquals(expected, provided)
            ? HubSpotSignatureResult.Valid
            : HubSpotSignatureResult.Mismatch;
    }

    private static void HashV1(string clientSecret, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendUtf8(sha, clientSecret);
        sha.AppendData(body);
        sha.GetHashAndReset(destination);
    }

    private static void HmacV3(
        string clientSecret,
        string method,
        string uri,
        ReadOnlySpan<byte> body,
        string timestamp,
        Span<byte> destination)
    {
        var key = Encoding.UTF8.GetBytes(clientSecret);
        try
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            AppendUtf8(hmac, method);
            AppendUtf8(hmac, uri);
            hmac.AppendData(body);
            AppendUtf8(hmac, timestamp);
            hmac.GetHashAndReset(destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void AppendUtf8(IncrementalHash hash, string value)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            hash.AppendData(rented, 0, length);
        }
        finally
        {
            // The secret passes through here too; do not leave it in a pooled buffer.
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}
