using System.Buffers;
using System.Text;

namespace TheModel.Sync.Core.Matching;

/// <summary>
/// Company-name normalization for the <c>company_name</c> matching strategy (section 7 and section 14).
/// </summary>
public static class CompanyNames
{
    // Names up to this length are normalized in a stack buffer; longer ones rent from the pool.
    private const int StackBufferLength = 256;

    // Japanese legal forms, removed anywhere. "(株)" covers both U+3231 "㈱" and the full-width "（株）",
    // because NFKC (which runs first) turns both into the ASCII-parenthesized form; "㈱" itself is kept in
    // the list only to mirror section 14 and is never present after NFKC.
    private static readonly string[] JapaneseForms = ["株式会社", "有限会社", "合同会社", "(株)", "㈱"];

    // Latin legal forms, removed at the end as whole words, each with an optional trailing period.
    // "co., ltd." needs no entry of its own: removing "ltd." and then the separators before it leaves "co.",
    // which is removed on the next round. Lower-case because matching runs after lower-casing.
    private static readonly string[] LatinForms = ["inc", "corp", "corporation", "llc", "ltd", "co", "gmbh", "k.k"];

    /// <summary>
    /// Normalizes a company name exactly as section 14 says: Unicode NFKC; lower-case (invariant); remove
    /// 株式会社, 有限会社, 合同会社, (株) and ㈱ anywhere (leaving no space behind); remove the Latin legal forms
    /// (inc, corp, corporation, llc, ltd, co, gmbh, k.k., co., ltd.) at the end, repeatedly, as whole words
    /// (after a space, a comma or the start; each with an optional trailing period); then delete punctuation
    /// (Unicode categories P*), collapse white space to single spaces and trim.
    /// </summary>
    /// <returns>The normalized name; the empty string for null or blank input.</returns>
    /// <example><c>"Acme Co., Ltd."</c> → <c>"acme"</c>; <c>"株式会社トヨタ"</c> → <c>"トヨタ"</c>; <c>"Disco"</c> → <c>"disco"</c>.</example>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        // NFKC is the identity on ASCII, and no Japanese form is ASCII: plain names skip both.
        var ascii = Ascii.IsValid(name);
        var source = name;
        if (!ascii)
        {
            source = ToNfkc(name);
        }

        char[]? rented = null;
        var buffer = source.Length <= StackBufferLength
            ? stackalloc char[StackBufferLength]
            : (rented = ArrayPool<char>.Shared.Rent(source.Length));
        try
        {
            int length;
            if (ascii)
            {
                Ascii.ToLower(source, buffer, out length);
            }
            else
            {
                // Invariant lower-casing keeps the length (simple case mapping, surrogate pairs included).
                length = source.AsSpan().ToLowerInvariant(buffer);
                length = RemoveJapaneseForms(buffer[..length]);
            }

            length = StripLatinSuffixes(buffer[..length]);
            length = DeletePunctuationAndCollapseSpaces(buffer[..length]);
            var result = buffer[..length];

            // Most names reaching the matcher twice are already normalized: hand back the same string.
            return result.SequenceEqual(name) ? name : new string(result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static string ToNfkc(string name)
    {
        try
        {
            return name.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Text with a lone surrogate cannot be normalized; matching it as given beats failing the person.
            return name;
        }
    }

    /// <summary>Removes every Japanese legal form in place, left to right; returns the new length.</summary>
    internal static int RemoveJapaneseForms(Span<char> s)
    {
        var write = 0;
        var read = 0;
        while (read < s.Length)
        {
            var skipped = 0;
            foreach (var form in JapaneseForms)
            {
                if (s[read..].StartsWith(form, StringComparison.Ordinal))
                {
                    skipped = form.Length;
                    break;
                }
            }

            if (skipped > 0)
            {
                read += skipped;
                continue;
            }

            s[write++] = s[read++];
        }

        return write;
    }

    /// <summary>
    /// Removes Latin legal forms from the end of the (lower-cased) name, repeatedly; returns the new length.
    /// Trailing white space and commas are separators, so they are dropped before each round: that is how
    /// "acme co., ltd." loses "ltd." and then "co.", and "acme, inc." loses ", inc.".
    /// </summary>
    internal static int StripLatinSuffixes(ReadOnlySpan<char> s)
    {
        var end = s.Length;
        while (true)
        {
            end = TrimEndSeparators(s, end);
            if (end == 0)
            {
                return 0;
            }

            // The optional trailing period: "inc." = "inc", "k.k." = "k.k".
            var wordEnd = s[end - 1] == '.' ? end - 1 : end;
            var removed = false;
            foreach (var form in LatinForms)
            {
                var start = wordEnd - form.Length;
                if (start >= 0
                    && s[start..wordEnd].SequenceEqual(form)
                    && (start == 0 || IsSeparator(s[start - 1])))
                {
                    end = start;
                    removed = true;
                    break;
                }
            }

            if (!removed)
            {
                return end;
            }
        }
    }

    /// <summary>Deletes punctuation, collapses white space to one space and trims, in place; returns the new length.</summary>
    internal static int DeletePunctuationAndCollapseSpaces(Span<char> s)
    {
        var write = 0;
        var pendingSpace = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                // A space is written only once a later visible character arrives: this collapses runs and trims both ends.
                pendingSpace = write > 0;
                continue;
            }

            if (char.IsPunctuation(c))
            {
                continue;
            }

            if (pendingSpace)
            {
                s[write++] = ' ';
                pendingSpace = false;
            }

            s[write++] = c;
        }

        return write;
    }

    private static int TrimEndSeparators(ReadOnlySpan<char> s, int end)
    {
        while (end > 0 && IsSeparator(s[end - 1]))
        {
            end--;
        }

        return end;
    }

    private static bool IsSeparator(char c) => c == ',' || char.IsWhiteSpace(c);
}
