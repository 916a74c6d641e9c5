using System.Text.Json;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>Reads and writes <c>&lt;output-dir&gt;/output.json</c> (<see cref="RestoreOutput"/>).</summary>
internal static class RestoreOutputFile
{
    private static readonly HashSet<string> Phases = new(StringComparer.Ordinal)
    {
        HostPhase.Running, HostPhase.Succeeded, HostPhase.Failed, HostPhase.Unknown,
    };

    public static string PathIn(string outputDirectory) => Path.Combine(outputDirectory, RestoreOutput.FileName);

    /// <summary>
    /// Writes the file whole or not at all (a temporary file renamed over it), so a reader never sees
    /// half of it; the folder is created as Stash creates it. Empty strings are left out, as Go's <c>omitempty</c> does.
    /// </summary>
    public static async Task WriteAsync(string outputDirectory, RestoreOutput output, IRandomSource random, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        Directory.CreateDirectory(outputDirectory);
        var path = PathIn(outputDirectory);
        var temporary = $"{path}.tmp-{random.HexDigits(16)}";
        try
        {
            await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(OmitEmpty(output), StatusJson.Indented.RestoreOutput) + "\n", cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The file <c>restore-pvc</c> wrote, checked: a target and at least one host entry with a name and a phase of the schema's.</summary>
    /// <exception cref="DependencyUnavailableException">There is no file: <c>restore-pvc</c> did not write it.</exception>
    /// <exception cref="InvalidInputException">The file is not Stash's restore output.</exception>
    public static RestoreOutput Read(string outputDirectory)
    {
        var path = PathIn(outputDirectory);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DependencyUnavailableException($"restore output {path} does not exist: the restore (restore-pvc --output-dir={outputDirectory}) did not write it");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot read restore output {path}: {e.Message}", e);
        }

        RestoreOutput? output;
        try
        {
            output = JsonSerializer.Deserialize(text, StashJsonContext.Default.RestoreOutput);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"restore output {path} is not valid JSON: {e.Message}", e);
        }
        var stats = output?.TargetStatus.Stats ?? [];
        if (stats.Count == 0)
            throw new InvalidInputException($"restore output {path} holds no host entry (targetStatus.stats is empty)");
        for (var i = 0; i < stats.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(stats[i]?.Hostname))
                throw new InvalidInputException($"restore output {path}: targetStatus.stats[{i}] has no hostname");
            if (!Phases.Contains(stats[i].Phase ?? ""))
                throw new InvalidInputException($"restore output {path}: targetStatus.stats[{i}].phase \"{stats[i].Phase}\" is not one of {string.Join(", ", Phases)}");
        }
        return output!;
    }

    /// <summary>One host's entry for <paramref name="output"/>: the final phase, Go-format duration and masked error.</summary>
    public static RestoreOutput For(TargetReference target, string hostname, UnitStatusEntry entry) => new()
    {
        TargetStatus = new RestoreMemberStatus
        {
            Ref = target,
            Stats = [new HostRestoreStats { Hostname = hostname, Phase = entry.Phase, Duration = entry.Duration, Error = entry.Error }],
        },
    };

    private static RestoreOutput OmitEmpty(RestoreOutput output) => output with
    {
        TargetStatus = output.TargetStatus with
        {
            Ref = new TargetReference
            {
                ApiVersion = NullIfEmpty(output.TargetStatus.Ref.ApiVersion),
                Kind = NullIfEmpty(output.TargetStatus.Ref.Kind),
                Name = NullIfEmpty(output.TargetStatus.Ref.Name),
                Namespace = NullIfEmpty(output.TargetStatus.Ref.Namespace),
            },
            Stats = output.TargetStatus.Stats is { Count: > 0 } stats
                ? [.. stats.Select(s => new HostRestoreStats { Hostname = NullIfEmpty(s.Hostname), Phase = NullIfEmpty(s.Phase), Duration = NullIfEmpty(s.Duration), Error = NullIfEmpty(s.Error) })]
                : null,
        },
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
