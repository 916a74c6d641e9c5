using System.Text;
using System.Text.Json;
using Serilog;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Restic;

/// <summary>What a restore put in place: entries that are not directories, directories, and the bytes of files.</summary>
internal readonly record struct RestoredCount(long Files, long Directories, long Bytes);

/// <summary>
/// Counts what a restore call put in place when restic does not say: restic before 0.16 prints no totals
/// for a restore, and 0.16 counts directories with the files. It lists the snapshot the call restored
/// (<see cref="ResticPlanner.ListContents(ResticPlan, string)"/>) and counts the entries now present under
/// the target, so include/exclude are honoured — directories apart from everything else, and the bytes of
/// files. A failure to count is a warning, never a failed restore.
/// </summary>
internal sealed class RestoredEntryCounter(IProcessRunner processes, ILogger logger, SecretMasker masker)
{
    private readonly IProcessRunner _processes = processes ?? throw new ArgumentNullException(nameof(processes));
    private readonly ILogger _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    private readonly SecretMasker _masker = masker ?? throw new ArgumentNullException(nameof(masker));

    /// <summary>
    /// The count for <paramref name="call"/>, which restored <paramref name="restoredSnapshot"/> when restic
    /// said so (its "restoring &lt;Snapshot …&gt;" line), else the call's snapshot id, else the newest of its
    /// host with its path as restic picks it. Null (with a warning) when the snapshot is unknown or the
    /// listing fails.
    /// </summary>
    public async Task<RestoredCount?> CountAsync(ResticPlan plan, ResticInvocation call, string? restoredSnapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(call);
        var snapshotId = restoredSnapshot ?? call.SnapshotId ?? await LatestSnapshotIdAsync(plan, call, cancellationToken).ConfigureAwait(false);
        if (snapshotId is null || plan.ListSnapshots is null || plan.Options is not { } options)
        {
            _logger.Warning("restic {Version:l} does not count files apart from directories and the restored snapshot is unknown: the counts are restic's own (files and directories together, 0 before restic 0.16)", plan.Installation?.Version.ToString(3));
            return null;
        }
        long files = 0, directories = 0, bytes = 0;
        (ProcessResult Result, string? LastError) listing;
        try
        {
            listing = await ResticReadingCall.RunAsync(_processes, ResticPlanner.ListContents(plan, snapshotId), line =>
            {
                if (RestoredNode(options.TargetDirectory, line) is { } node)
                {
                    if (node.IsDirectory)
                        directories++;
                    else
                        files++;
                    bytes += node.Size;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ProgramNotFoundException e)
        {
            _logger.Warning("Could not count the files restored from snapshot {Snapshot:l}: {Error:l}", snapshotId, _masker.Apply(e.Message));
            return null;
        }
        if (listing.Result.ExitCode != 0)
        {
            _logger.Warning(
                "Could not count the files restored from snapshot {Snapshot:l}: restic ls exited {Code}: {Error:l}",
                snapshotId, listing.Result.ExitCode, _masker.Apply(ResticFailure.StripFatal(listing.LastError) ?? "no message"));
            return null;
        }
        _logger.Debug("restic {Version:l}: counted {Files} files and {Directories} directories restored from snapshot {Snapshot:l}", plan.Installation?.Version.ToString(3), files, directories, snapshotId);
        return new RestoredCount(files, directories, bytes);
    }

    /// <summary>
    /// A <c>restic ls --json</c> node that is present under <paramref name="target"/>: whether it is a
    /// directory, and its size (0 for all but files); null when absent or not a node.
    /// </summary>
    internal static (bool IsDirectory, long Size)? RestoredNode(string target, string line)
    {
        if (ResticOutput.ListedNode(line) is not { } node)
            return null;
        var full = Path.Join(target, node.Path.TrimStart('/'));
        if (node.Type == "dir")
            return Directory.Exists(full) ? (true, 0) : null;
        var info = new FileInfo(full);
        if (!info.Exists && info.LinkTarget is null)
            return null;
        return (false, node.Type == "file" ? node.Size : 0);
    }

    /// <summary>
    /// The snapshot a <c>latest --path P --host H</c> call restored, when restic did not say (0.16 with
    /// <c>--json</c> prints no "restoring &lt;Snapshot …&gt;" line): the newest of H with path P, as restic
    /// picks it. Null (logged at debug level) when the listing fails.
    /// </summary>
    private async Task<string?> LatestSnapshotIdAsync(ResticPlan plan, ResticInvocation call, CancellationToken cancellationToken)
    {
        if (call.Path is null || plan.ListSnapshots is not { } list)
            return null;
        var output = new StringBuilder();
        try
        {
            var result = await _processes.RunAsync(list, (stream, line) =>
            {
                if (stream == OutputStream.StandardOutput)
                    output.AppendLine(line);
            }, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (result.ExitCode != 0)
            {
                _logger.Debug("Could not list the snapshots to find the one restored (restic exit {Code})", result.ExitCode);
                return null;
            }
            return ResticSnapshotList.Resolve(ResticSnapshotList.Parse(output.ToString()), call)?.Id;
        }
        catch (Exception e) when (e is ProgramNotFoundException or JsonException)
        {
            _logger.Debug("Could not list the snapshots to find the one restored: {Error:l}", _masker.Apply(e.Message));
            return null;
        }
    }
}
