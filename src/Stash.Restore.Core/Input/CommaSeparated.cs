namespace Stash.Restore.Core.Input;

/// <summary>
/// The operators' list arguments (<c>--restore-paths=/a,/b</c>, <c>--include=…</c>): comma-separated,
/// an empty value meaning unset. Entries are trimmed and empty ones dropped, so <c>"/a, /b,,"</c> is two paths.
/// </summary>
internal static class CommaSeparated
{
    /// <summary><c>"/a, /b,,"</c> → <c>["/a", "/b"]</c>; null or blank → empty.</summary>
    public static IReadOnlyList<string> Split(string? commaSeparated) =>
        string.IsNullOrWhiteSpace(commaSeparated)
            ? []
            : commaSeparated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
