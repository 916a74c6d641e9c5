using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Stash.Restore.Core.Restic;

/// <summary>One line of restic output, understood.</summary>
internal abstract record ResticMessage
{
    /// <summary>
    /// A <c>--json</c> <c>status</c> line (0.16+). Counts are restic's: files, directories and other
    /// entries together; skipped ones are those <c>--overwrite if-changed</c> left alone (0.17+).
    /// </summary>
    public sealed record Status(double PercentDone, long TotalFiles, long FilesRestored, long TotalBytes, long BytesRestored, double? SecondsElapsed) : ResticMessage
    {
        public long FilesSkipped { get; init; }

        public long BytesSkipped { get; init; }

        /// <summary>Which of the plan's calls printed it (1-based; 0 when not known), set by the runner.</summary>
        public int Call { get; init; }

        /// <summary>How many calls the plan has (0 when not known).</summary>
        public int Calls { get; init; }

        /// <summary>The call's last figures, taken from restic's summary when the call ended (set by the runner).</summary>
        public bool Final { get; init; }
    }

    /// <summary>
    /// A <c>--json -vv</c> <c>verbose_status</c> line (0.17+): one restored entry. <paramref name="Action"/> is
    /// <c>restored</c> (a file, directory or other entry: restic uses one word for all three),
    /// <c>updated</c> (a file), <c>unchanged</c> (a skipped file) or <c>deleted</c>; <paramref name="Size"/>
    /// is 0 for all but files.
    /// </summary>
    public sealed record Entry(string Action, string Path, long Size) : ResticMessage;

    /// <summary>The final <c>summary</c> (JSON, or the text "Summary: Restored …" line of 0.16+).</summary>
    public sealed record Summary(long FilesRestored, long FilesSkipped, long BytesRestored) : ResticMessage
    {
        /// <summary>The JSON summary's totals and elapsed time (0.16+); zero/null from the text line.</summary>
        public long TotalFiles { get; init; }

        public long TotalBytes { get; init; }

        public long BytesSkipped { get; init; }

        public double? SecondsElapsed { get; init; }
    }

    /// <summary>An error about one file or directory; restic carries on and exits 1 at the end.</summary>
    public sealed record ItemError(string? Item, string Message) : ResticMessage;

    /// <summary>The error restic ends with (JSON <c>exit_error</c> of 0.17+, or a text "Fatal: …" line).</summary>
    public sealed record Fatal(string Message, int? Code) : ResticMessage;

    /// <summary>
    /// "restoring &lt;Snapshot 1a2b3c4d of [/data] at … by root@host&gt; to /": the snapshot a
    /// call restores (restic prints it in text mode; before 0.16 it is all restic says).
    /// </summary>
    public sealed record Restoring(string SnapshotId, string Line) : ResticMessage;

    /// <summary>Anything else: logged as is.</summary>
    public sealed record Text(string Line) : ResticMessage;
}

/// <summary>Reads restic's stdout/stderr lines, JSON (0.16+) or text (all versions).</summary>
internal static partial class ResticOutput
{
    /// <summary>
    /// restic's terminal redraws as plain text: CSI/OSC escape sequences (<c>ESC[2K</c>, colours,
    /// cursor moves) removed, and of a line redrawn with <c>\r</c> only the last drawing kept —
    /// what a person saw on the terminal, so none of it reaches logs, status or events.
    /// </summary>
    public static string Clean(string? line)
    {
        if (string.IsNullOrEmpty(line))
            return "";
        var text = line.Contains('\u001b', StringComparison.Ordinal) ? EscapeSequence().Replace(line, "") : line;
        var lastReturn = text.TrimEnd('\r').LastIndexOf('\r');
        if (lastReturn >= 0)
            text = text[(lastReturn + 1)..];
        text = text.TrimEnd('\r');
        // Other C0 controls (BEL, backspace…) carry nothing readable either; tabs stay.
        return text.Any(c => char.IsControl(c) && c != '\t') ? new string(text.Where(c => !char.IsControl(c) || c == '\t').ToArray()) : text;
    }

    public static ResticMessage Parse(string line)
    {
        line = Clean(line);
        var trimmed = line.Trim();
        if (trimmed.StartsWith('{') && TryParseJson(trimmed, out var message))
            return message;
        var error = ItemErrorLine().Match(trimmed);
        if (error.Success)
            return new ResticMessage.ItemError(error.Groups[1].Value, error.Groups[2].Value);
        if (trimmed.StartsWith("Fatal: ", StringComparison.Ordinal))
            return new ResticMessage.Fatal(trimmed, null);
        var restoring = RestoringLine().Match(trimmed);
        if (restoring.Success)
            return new ResticMessage.Restoring(restoring.Groups[1].Value, line ?? "");
        var summary = TextSummary().Match(trimmed);
        if (summary.Success)
        {
            var skippedFiles = summary.Groups["skipped"].Success ? Long(summary.Groups["skipped"].Value) : 0;
            return new ResticMessage.Summary(Long(summary.Groups["files"].Value), skippedFiles, ParseSize(summary.Groups["bytes"].Value));
        }
        return new ResticMessage.Text(line ?? "");
    }

    /// <summary>A <c>restic ls --json</c> node line: its path, type (<c>file</c>, <c>dir</c>, <c>symlink</c>…) and size; null for anything else.</summary>
    public static (string Path, string? Type, long Size)? ListedNode(string line)
    {
        if (!line.StartsWith('{'))
            return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var node = document.RootElement;
            if (!node.TryGetProperty("struct_type", out var kind) || kind.GetString() != "node"
                || !node.TryGetProperty("path", out var p) || p.GetString() is not { Length: > 0 } path)
                return null;
            var type = node.TryGetProperty("type", out var t) ? t.GetString() : null;
            return (path, type, Long(node, "size"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"lchown"/"chmod" refused: ownership or mode could not be set, the data is there.</summary>
    public static bool IsMetadataError(string message)
    {
        var lower = message.ToLowerInvariant();
        var metadataCall = lower.Contains("lchown", StringComparison.Ordinal) || lower.Contains("chown ", StringComparison.Ordinal)
            || lower.Contains("chmod", StringComparison.Ordinal) || lower.Contains("lsetxattr", StringComparison.Ordinal)
            || lower.Contains("utimes", StringComparison.Ordinal);
        return metadataCall && (lower.Contains("operation not permitted", StringComparison.Ordinal) || lower.Contains("operation not supported", StringComparison.Ordinal));
    }

    /// <summary>"1.000 KiB", "5 B", "2.5 GiB" → bytes.</summary>
    public static long ParseSize(string text)
    {
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return 0;
        var unit = parts.Length > 1 ? parts[1] : "B";
        var factor = unit switch
        {
            "KiB" => 1L << 10,
            "MiB" => 1L << 20,
            "GiB" => 1L << 30,
            "TiB" => 1L << 40,
            _ => 1L,
        };
        return (long)Math.Round(number * factor);
    }

    private static bool TryParseJson(string line, out ResticMessage message)
    {
        message = new ResticMessage.Text(line);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message_type", out var type))
                return false;
            switch (type.GetString())
            {
                case "status":
                    message = new ResticMessage.Status(
                        Double(root, "percent_done") ?? 0,
                        Long(root, "total_files"),
                        Long(root, "files_restored"),
                        Long(root, "total_bytes"),
                        Long(root, "bytes_restored"),
                        Double(root, "seconds_elapsed"))
                    {
                        FilesSkipped = Long(root, "files_skipped"),
                        BytesSkipped = Long(root, "bytes_skipped"),
                    };
                    return true;
                case "verbose_status":
                    message = new ResticMessage.Entry(Text(root, "action"), Text(root, "item"), Long(root, "size"));
                    return true;
                case "summary":
                    message = new ResticMessage.Summary(Long(root, "files_restored"), Long(root, "files_skipped"), Long(root, "bytes_restored"))
                    {
                        TotalFiles = Long(root, "total_files"),
                        TotalBytes = Long(root, "total_bytes"),
                        BytesSkipped = Long(root, "bytes_skipped"),
                        SecondsElapsed = root.TryGetProperty("seconds_elapsed", out var elapsed) && elapsed.TryGetDouble(out var s) ? s : null,
                    };
                    return true;
                case "error":
                    var text = root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m)
                        ? m.GetString() ?? ""
                        : error.ValueKind == JsonValueKind.String ? error.GetString() ?? "" : line;
                    message = new ResticMessage.ItemError(root.TryGetProperty("item", out var item) ? item.GetString() : null, text);
                    return true;
                case "exit_error":
                    var fatal = root.TryGetProperty("message", out var fm) ? (fm.GetString() ?? "").Trim() : line;
                    message = new ResticMessage.Fatal(fatal, root.TryGetProperty("code", out var code) && code.TryGetInt32(out var c) ? c : null);
                    return true;
                default:
                    return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static long Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";

    private static double? Double(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static long Long(string text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    // CSI (ESC [ params final), OSC (ESC ] … BEL or ESC \\), and two-character escapes (ESC 7, ESC =).
    [GeneratedRegex(@"\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_]|[ -/]*[0-~])")]
    private static partial Regex EscapeSequence();

    [GeneratedRegex(@"^restoring <Snapshot ([0-9a-f]{8,64}) of ")]
    private static partial Regex RestoringLine();

    [GeneratedRegex(@"^ignoring error for (.*?): (.*)$")]
    private static partial Regex ItemErrorLine();

    // 0.16: "Summary: Restored 5 files/dirs (1.000 KiB) in 0:00"
    // 0.17: "Summary: Restored 3 / 5 files/dirs (1 KiB / 2 KiB) in 0:00, skipped 2 files/dirs 1 KiB"
    [GeneratedRegex(@"^Summary: Restored (?<files>\d+)(?: / \d+)? files/dirs \((?<bytes>[\d.]+ [KMGT]?i?B)(?: / [\d.]+ [KMGT]?i?B)?\)(?:.*?skipped (?<skipped>\d+) files/dirs)?")]
    private static partial Regex TextSummary();
}
