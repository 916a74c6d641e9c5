namespace Stash.Restore.Core.Input;

/// <summary>Keeps values quoted in one-line errors to one short line.</summary>
internal static class TextShortening
{
    private const int MaxQuoted = 60;

    /// <summary>A value as an error quotes it: its first line, cut at 60 characters, <c>…</c> when anything was left out.</summary>
    public static string Quote(string value)
    {
        var normalised = value.ReplaceLineEndings("\n");
        var firstLine = normalised;
        var newline = normalised.IndexOf('\n');
        var cut = newline >= 0 && newline < normalised.Length - 1;
        if (newline >= 0)
            firstLine = firstLine[..newline];
        if (firstLine.Length > MaxQuoted)
        {
            firstLine = firstLine[..MaxQuoted];
            cut = true;
        }
        return $"\"{firstLine}{(cut ? "…" : "")}\"";
    }

    /// <summary>A message folded onto one line.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
