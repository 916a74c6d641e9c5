using System.Text.RegularExpressions;

namespace Stash.Restore.Core.Input;

/// <summary>Keeps values quoted in one-line errors to one short line.</summary>
internal static partial class TextShortening
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

    /// <summary>
    /// A validator's message with each multi-line quoted value cut to its first line (<c>"first…"</c>),
    /// then folded onto one line.
    /// </summary>
    public static string OneLineQuotes(string message) => OneLine(MultiLineQuoted().Replace(message, "\"$1…\""));

    /// <summary>A message folded onto one line.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex("\"([^\"\r\n]*)\r?\n[^\"]*\"")]
    private static partial Regex MultiLineQuoted();
}
