using System.Text;

namespace TheModel.Sync.Application.Http;

/// <summary>What of a CRM response body goes into an error message when the body cannot be read as the CRM's error shape.</summary>
public static class ResponseText
{
    /// <summary>The body's first <paramref name="maxLength"/> chars, never ending in half a surrogate pair.</summary>
    public static string Preview(ReadOnlySpan<byte> body, int maxLength)
    {
        var text = Encoding.UTF8.GetString(body);
        if (text.Length <= maxLength)
        {
            return text;
        }

        var length = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return text[..length];
    }
}
