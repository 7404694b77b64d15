using System.Text;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// The one reader of scheduler text uploads (sacct, DCGM, and any text format added later): the body must be
/// <c>text/plain</c> (415 otherwise, saying what to send) and valid UTF-8 (400 on the first invalid byte, nothing of
/// it used). A format's parser reads it line by line, so that a large upload is never held whole unless it must be.
/// </summary>
public static class TextUpload
{
    /// <summary>Reads the body with <paramref name="parse"/>; <paramref name="what"/> says what to send, for the 415.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, string what, Func<TextReader, Task<T>> parse)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parse);
        if (request.ContentType is not { } type || !type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            throw Problems.UnsupportedMediaType("text/plain", $"Send {what} as text/plain.");
        }

        using var reader = new StreamReader(request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
        try
        {
            return await parse(reader);
        }
        catch (DecoderFallbackException)
        {
            throw Problems.Validation("body", "The text is not valid UTF-8.");
        }
    }
}
