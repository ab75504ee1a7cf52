using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TheModel.Sync.Simulators.Salesforce;

/// <summary>The answer of the token endpoint: 200 with the token body, or 400 with the OAuth error shape.</summary>
internal sealed record TokenResponse(int Status, JsonObject Body)
{
    public static TokenResponse Error(string error, string description) =>
        new(400, new JsonObject { ["error"] = error, ["error_description"] = description });
}

/// <summary>
/// The OAuth 2.0 token endpoint (facts file S-2): the JWT bearer flow (RS256 assertion verified with the connected
/// app's certificate) and the client-credentials flow (body parameters or a Basic header). Issues opaque access
/// tokens that expire after the configured lifetime. Thread-safe.
/// </summary>
internal sealed class SalesforceTokens : IDisposable
{
    private const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private readonly SalesforceSimulatorOptions _options;
    private readonly RSA? _publicKey;
    private readonly bool _ownsKey;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string UserId, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);

    public SalesforceTokens(SalesforceSimulatorOptions options)
    {
        _options = options;
        if (options.JwtPublicKey is not null)
        {
            _publicKey = options.JwtPublicKey;
        }
        else if (options.JwtPublicKeyPem is { } pem)
        {
            _publicKey = ReadKey(pem);
            _ownsKey = true;
        }
    }

    public int Issued { get; private set; }

    /// <summary>Answers one token request.</summary>
    /// <param name="form">The form fields.</param>
    /// <param name="authorization">The Authorization header (client credentials may come as Basic).</param>
    /// <param name="instanceUrl">The simulator's base URL, without a trailing slash.</param>
    /// <param name="organizationId">The org's 18-character id.</param>
    /// <param name="userId">The integration user's id.</param>
    /// <param name="userActive">Whether the integration user may log in.</param>
    public TokenResponse Issue(
        IReadOnlyDictionary<string, string> form, string? authorization, string instanceUrl, string organizationId, string userId, bool userActive)
    {
        var grant = form.GetValueOrDefault("grant_type");
        var failure = grant switch
        {
            JwtGrant => CheckAssertion(form.GetValueOrDefault("assertion")),
            "client_credentials" => CheckClient(form, authorization),
            null or "" => TokenResponse.Error("invalid_request", "grant_type is required"),
            _ => TokenResponse.Error("unsupported_grant_type", "grant type not supported"),
        };
        if (failure is not null)
        {
            return failure;
        }

        if (!userActive)
        {
            return TokenResponse.Error("inactive_user", "user is inactive");
        }

        var now = _options.TimeProvider.GetUtcNow();
        var token = $"{organizationId[..15]}!{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48))}";
        var identity = $"{instanceUrl}/id/{organizationId}/{userId}";
        var issuedAt = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _tokens[token] = (userId, now + _options.TokenLifetime);
            Issued++;
        }

        return new TokenResponse(200, new JsonObject
        {
            ["access_token"] = token,
            ["signature"] = Sign(identity + issuedAt),
            ["scope"] = _options.TokenScope,
            ["instance_url"] = instanceUrl,
            ["id"] = identity,
            ["token_type"] = "Bearer",
            ["issued_at"] = issuedAt,
        });
    }

    /// <summary>The user behind a <c>Bearer</c> (or <c>OAuth</c>) token that is known and not expired; null otherwise.</summary>
    public string? Authenticate(string? authorization)
    {
        if (authorization is null)
        {
            return null;
        }

        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || authorization[..space] is not ("Bearer" or "OAuth"))
        {
            return null;
        }

        var token = authorization[(space + 1)..].Trim();
        lock (_gate)
        {
            if (!_tokens.TryGetValue(token, out var entry))
            {
                return null;
            }

            if (entry.ExpiresAt <= _options.TimeProvider.GetUtcNow())
            {
                _tokens.Remove(token);
                return null;
            }

            return entry.UserId;
        }
    }

    /// <summary>Ends every session, as an admin revoking them or a session timeout would.</summary>
    public void ExpireAll()
    {
        lock (_gate)
        {
            _tokens.Clear();
        }
    }

    public void Dispose()
    {
        if (_ownsKey)
        {
            _publicKey?.Dispose();
        }
    }

    private TokenResponse? CheckAssertion(string? assertion)
    {
        var parts = assertion?.Split('.');
        if (parts is not { Length: 3 } || _publicKey is null)
        {
            return TokenResponse.Error("invalid_grant", "invalid assertion");
        }

        JsonObject? header;
        JsonObject? claims;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) as JsonObject;
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1])) as JsonObject;
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return TokenResponse.Error("invalid_grant", "invalid assertion");
        }

        if (header is null || claims is null || Text(header, "alg") != "RS256"
            || !_publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return TokenResponse.Error("invalid_grant", "invalid assertion");
        }

        if (Text(claims, "iss") != _options.ClientId)
        {
            return TokenResponse.Error("invalid_client_id", "client identifier invalid");
        }

        var audiences = claims["aud"] switch
        {
            JsonArray array => array.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
            _ => [],
        };
        if (!audiences.Any(a => a is not null && _options.JwtAudiences.Contains(a.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)))
        {
            return TokenResponse.Error("invalid_grant", "audience is invalid");
        }

        if (!string.Equals(Text(claims, "sub"), _options.Username, StringComparison.OrdinalIgnoreCase))
        {
            return TokenResponse.Error("invalid_grant", "user hasn't approved this consumer");
        }

        if (claims["exp"] is not JsonValue exp || exp.GetValueKind() != JsonValueKind.Number
            || !exp.TryGetValue<double>(out var seconds)
            || DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) <= _options.TimeProvider.GetUtcNow())
        {
            return TokenResponse.Error("invalid_grant", "expired authorization code");
        }

        return null;
    }

    private TokenResponse? CheckClient(IReadOnlyDictionary<string, string> form, string? authorization)
    {
        var clientId = form.GetValueOrDefault("client_id");
        var clientSecret = form.GetValueOrDefault("client_secret");
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    clientId = Uri.UnescapeDataString(pair[..colon]);
                    clientSecret = Uri.UnescapeDataString(pair[(colon + 1)..]);
                }
            }
            catch (FormatException)
            {
                return TokenResponse.Error("invalid_client", "invalid client credentials");
            }
        }

        if (clientId != _options.ClientId)
        {
            return TokenResponse.Error("invalid_client_id", "client identifier invalid");
        }

        if (_options.ClientSecret is null)
        {
            return TokenResponse.Error("invalid_grant", "no client credentials user enabled");
        }

        return clientSecret is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(_options.ClientSecret))
            ? null
            : TokenResponse.Error("invalid_client_credentials", "client secret invalid");
    }

    private string Sign(string text)
    {
        var key = Encoding.UTF8.GetBytes(_options.ClientSecret ?? _options.ClientId);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text)));
    }

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static RSA ReadKey(string pem)
    {
        if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            return certificate.GetRSAPublicKey()
                ?? throw new ArgumentException("JwtPublicKeyPem: the certificate does not hold an RSA key.", nameof(pem));
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (ArgumentException e)
        {
            rsa.Dispose();
            throw new ArgumentException($"JwtPublicKeyPem is not a PEM certificate or RSA public key: {e.Message}", nameof(pem), e);
        }
    }
}
