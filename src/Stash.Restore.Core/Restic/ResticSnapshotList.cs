using System.Globalization;
using System.Text;
using System.Text.Json;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Restic;

/// <summary>One snapshot as <c>restic snapshots --json</c> lists it.</summary>
internal sealed record ResticSnapshot(string Id, string ShortId, string Host, IReadOnlyList<string> Paths, DateTimeOffset Time)
{
    /// <summary>The bytes of the snapshot's files (restic ≥ 0.17: <c>summary.total_bytes_processed</c>); null when the snapshot keeps no summary.</summary>
    public long? TotalBytes { get; init; }

    public string TimeText => Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public override string ToString() => $"{ShortId} {Host} [{string.Join(" ", Paths)}] {TimeText}";
}

/// <summary>
/// Reads a repository's snapshots (read-only, <c>restic snapshots --json</c>) and says which one a
/// restore call would restore now, as restic would pick it.
/// </summary>
internal static class ResticSnapshotList
{
    /// <summary>Runs the plan's snapshot listing; its credential files are handed over in memory, never written.</summary>
    /// <exception cref="RestoreFailedException">restic could not list them; one masked line.</exception>
    public static async Task<IReadOnlyList<ResticSnapshot>> ReadAsync(IProcessRunner processes, ResticPlan plan, SecretMasker masker, CancellationToken cancellationToken)
    {
        var list = plan.ListSnapshots ?? throw new InvalidOperationException("the plan has no snapshot listing");
        var output = new StringBuilder();
        string? lastError = null;
        ProcessResult result;
        using (var credentials = InMemoryCredentialFiles.Open(plan.CredentialFiles))
        {
            result = await credentials.Wrap(processes).RunAsync(list, (stream, line) =>
            {
                if (stream == OutputStream.StandardOutput)
                    output.AppendLine(line);
                else if (!string.IsNullOrWhiteSpace(line))
                    lastError = ResticOutput.Clean(line);
            }, cancellationToken).ConfigureAwait(false);
        }
        if (result.ExitCode != 0)
            throw new RestoreFailedException(masker.Apply($"could not list the snapshots of {plan.RepositoryDisplay} (restic exit {result.ExitCode}): {ErrorText(lastError)}"));
        try
        {
            return Parse(output.ToString());
        }
        catch (JsonException e)
        {
            throw new RestoreFailedException($"could not read the snapshot list of {masker.Apply(plan.RepositoryDisplay)}: {e.Message}", e);
        }
    }

    public static List<ResticSnapshot> Parse(string json)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new JsonException("expected an array of snapshots");
        var list = new List<ResticSnapshot>();
        foreach (var snapshot in document.RootElement.EnumerateArray())
        {
            var id = Text(snapshot, "id");
            var shortId = Text(snapshot, "short_id");
            if (shortId.Length == 0)
                shortId = id.Length > 8 ? id[..8] : id;
            var paths = snapshot.TryGetProperty("paths", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                : [];
            var time = DateTimeOffset.TryParse(Text(snapshot, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : DateTimeOffset.MinValue;
            long? totalBytes = snapshot.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Object
                && summary.TryGetProperty("total_bytes_processed", out var bytes) && bytes.TryGetInt64(out var b) ? b : null;
            list.Add(new ResticSnapshot(id, shortId, Text(snapshot, "hostname"), paths, time) { TotalBytes = totalBytes });
        }
        return list;
    }

    /// <summary>
    /// The snapshot <paramref name="call"/> restores: for <c>latest --path P --host H</c> the newest
    /// snapshot of host H whose paths include P; for an id, the snapshot whose id starts with it.
    /// </summary>
    public static ResticSnapshot? Resolve(IReadOnlyList<ResticSnapshot> snapshots, ResticInvocation call)
    {
        if (call.SnapshotId is { } id)
            return snapshots.FirstOrDefault(s => s.Id.StartsWith(id, StringComparison.OrdinalIgnoreCase));
        return snapshots
            .Where(s => s.Host == call.Host && s.Paths.Contains(call.Path ?? "", StringComparer.Ordinal))
            .OrderByDescending(s => s.Time)
            .FirstOrDefault();
    }

    /// <summary>restic's last error line: the message of a JSON <c>exit_error</c>, or the text without "Fatal: ".</summary>
    private static string ErrorText(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return "no message";
        if (line.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                if (Text(document.RootElement, "message") is { Length: > 0 } message)
                    return message;
            }
            catch (JsonException)
            {
            }
        }
        return line.Replace("Fatal: ", "", StringComparison.Ordinal).Trim();
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
