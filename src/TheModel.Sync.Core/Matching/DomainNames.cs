using System.Buffers;

namespace TheModel.Sync.Core.Matching;

/// <summary>
/// Derivation and comparison of a person's or account's <c>domain</c> (routing language, section 2 and section 4).
/// </summary>
public static class DomainNames
{
    // The authority ends at the path, the query or the fragment; a backslash counts as a slash because
    // browsers (and people typing URLs into CRM fields) treat it so.
    private static readonly SearchValues<char> AuthorityTerminators = SearchValues.Create("/?#\\");

    /// <summary>
    /// The host of a website: scheme, userinfo, port, path, query, fragment and a leading <c>www.</c> removed,
    /// a trailing dot removed, letters lower-cased (internationalized names too, by the invariant culture).
    /// </summary>
    /// <returns>The host, or null when the value is null, blank or has no readable host.</returns>
    public static string? HostOfWebsite(string? website)
    {
        if (website is null)
        {
            return null;
        }

        var s = website.AsSpan().Trim();
        if (s.IsEmpty)
        {
            return null;
        }

        var schemeEnd = s.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && IsScheme(s[..schemeEnd]))
        {
            s = s[(schemeEnd + 3)..];
        }
        else if (s.StartsWith("//", StringComparison.Ordinal))
        {
            // A scheme-relative URL ("//example.com/x") still names a host.
            s = s[2..];
        }

        var authorityEnd = s.IndexOfAny(AuthorityTerminators);
        if (authorityEnd >= 0)
        {
            s = s[..authorityEnd];
        }

        // The host follows the last '@' of the userinfo.
        var at = s.LastIndexOf('@');
        if (at >= 0)
        {
            s = s[(at + 1)..];
        }

        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port;
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']');
            if (close < 0)
            {
                return null;
            }

            host = s[..(close + 1)];
            var rest = s[(close + 1)..];
            if (!rest.IsEmpty && rest[0] != ':')
            {
                return null;
            }

            port = rest.IsEmpty ? [] : rest[1..];
            if (!IsIpv6Literal(host))
            {
                return null;
            }
        }
        else
        {
            var colon = s.IndexOf(':');
            host = colon >= 0 ? s[..colon] : s;
            port = colon >= 0 ? s[(colon + 1)..] : [];
            if (host.EndsWith('.'))
            {
                host = host[..^1];
            }

            if (!IsHostName(host))
            {
                return null;
            }
        }

        // A port that is not a number means the text was not a URL at all ("http:example.com", "n/a:x").
        foreach (var c in port)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }
        }

        if (host.Length > 4 && host.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            host = host[4..];
        }

        return ToAsciiLower(host);
    }

    /// <summary>
    /// A person's <c>domain</c> (section 2): the host of <paramref name="website"/>; else the part of
    /// <paramref name="email"/> after its last '@', trimmed and lower-cased; else <paramref name="givenDomain"/>
    /// cleaned up like a website (section 14: a given domain is lower-cased like a derived one).
    /// </summary>
    /// <returns>The domain, or null when none of the three yields one.</returns>
    public static string? Derive(string? website, string? email, string? givenDomain)
    {
        var host = HostOfWebsite(website);
        if (host is not null)
        {
            return host;
        }

        if (email is not null)
        {
            var at = email.LastIndexOf('@');
            if (at >= 0)
            {
                var part = email.AsSpan(at + 1).Trim();
                if (!part.IsEmpty)
                {
                    return ToAsciiLower(part);
                }
            }
        }

        return HostOfWebsite(givenDomain);
    }

    /// <summary>
    /// True when <paramref name="domain"/> equals <paramref name="parent"/> or ends with "." + <paramref name="parent"/>,
    /// ignoring case: <c>jp.bigco.example</c> is under <c>bigco.example</c>, <c>notbigco.example</c> is not.
    /// </summary>
    public static bool IsSameOrSubdomain(string domain, string parent)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(parent);
        return IsSameOrSubdomain(domain.AsSpan(), parent.AsSpan());
    }

    /// <inheritdoc cref="IsSameOrSubdomain(string, string)"/>
    public static bool IsSameOrSubdomain(ReadOnlySpan<char> domain, ReadOnlySpan<char> parent)
    {
        // An empty parent would make every domain its "subdomain" through the '.' check; it names nothing.
        if (parent.IsEmpty || domain.Length < parent.Length)
        {
            return false;
        }

        if (domain.Length == parent.Length)
        {
            return domain.Equals(parent, StringComparison.OrdinalIgnoreCase);
        }

        return domain[domain.Length - parent.Length - 1] == '.'
            && domain.EndsWith(parent, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        // RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHostName(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host[0] == '.')
        {
            return false;
        }

        var previous = '\0';
        foreach (var c in host)
        {
            if (c < 0x80)
            {
                // Only letters, digits, '-', '_' and '.' occur in ASCII host names; anything else
                // (spaces, commas, quotes, "n/a"-style text) means the field does not hold a URL.
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
                {
                    return false;
                }
            }
            else if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                // Internationalized labels are kept as given, but whitespace (e.g. U+3000) is never part of a host.
                return false;
            }

            if (c == '.' && previous == '.')
            {
                return false;
            }

            previous = c;
        }

        return true;
    }

    private static bool IsIpv6Literal(ReadOnlySpan<char> bracketed)
    {
        var inner = bracketed[1..^1];
        if (inner.IsEmpty)
        {
            return false;
        }

        foreach (var c in inner)
        {
            if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    internal static string ToAsciiLower(ReadOnlySpan<char> value)
    {
        // Section 2 says "lower-cased", of every letter: BÜCHER.example is bücher.example. Non-ASCII letters take the
        // invariant culture's simple mapping, char by char, so the result does not depend on the machine's culture
        // (Turkish 'I' stays 'i') and has the input's length.
        return string.Create(value.Length, value, static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                destination[i] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c < 128 ? c : char.ToLowerInvariant(c);
            }
        });
    }
}
