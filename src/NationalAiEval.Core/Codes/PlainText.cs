namespace NationalAiEval.Core.Codes;

/// <summary>
/// Text that people read (names, reasons) or that ends up in files, logs and generated commands carries no control
/// characters (NUL, ESC, CR, LF, DEL, C1) and no bidirectional overrides or isolates (U+202A-U+202E, U+2066-U+2069) or
/// marks (U+200E, U+200F, U+061C): they make a name display differently from what it is, split a line in a log or a
/// shell script, or truncate a string in C code downstream. Free text of several lines may keep line feeds and tabs.
/// </summary>
public static class PlainText
{
    public const string Rule = "may not hold control characters or bidirectional override characters";

    public const string MultiLineRule = "may not hold control characters (other than line feeds and tabs) or bidirectional override characters";

    public static bool IsClean(string? text, bool allowLineBreaks = false)
    {
        if (text is null)
        {
            return true;
        }

        foreach (var c in text)
        {
            if (allowLineBreaks && c is '\n' or '\t')
            {
                continue;
            }

            if (char.IsControl(c) || IsBidiControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
