using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;
using Serilog;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// Runs a <see cref="ResticPlan"/>'s calls in order, logs restic's output with secrets
/// masked, and turns any failure into one <see cref="RestoreFailedException"/> line a
/// person can act on.
/// </summary>
/// <remarks>
/// The masker is the run's one masker: the plan's secrets were registered with it where they were
/// read, so this runner neither builds another nor registers them again.
/// </remarks>
internal sealed partial class ResticRestoreRunner(IProcessRunner processes, ILogger logger, TimeProvider time, SecretMasker masker)
{
    // restic snapshots listed in a "no snapshot found" message, newest kept.
    private const int SnapshotsListed = 20;

    private readonly IProcessRunner _processes = processes ?? throw new ArgumentNullException(nameof(processes));
    private readonly ILogger _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));
    private readonly SecretMasker _masker = masker ?? throw new ArgumentNullException(nameof(masker));

    /// <summary>
    /// Runs every call. Cancellation stops restic (SIGINT → SIGTERM → SIGKILL) and throws
    /// <see cref="OperationCanceledException"/>; the caller knows which signal it was.
    /// </summary>
    /// <exception cref="RestoreFailedException">A call failed; the message is one masked line.</exception>
    /// <exception cref="ProgramNotFoundException">restic (or nice/ionice) is missing.</exception>
    public Task<ResticRestoreSummary> RunAsync(ResticPlan plan, CancellationToken cancellationToken) => RunAsync(plan, null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync(ResticPlan, CancellationToken)"/>, handing every restic <c>status</c> line
    /// (restic ≥ 0.16, per call) to <paramref name="progress"/> as it arrives, on the output reader's
    /// thread: the receiver throttles and must not block.
    /// </summary>
    public async Task<ResticRestoreSummary> RunAsync(ResticPlan plan, IProgress<ResticMessage.Status>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var masker = _masker;
        using var workspace = ResticWorkspace.Prepare(plan);
        if (plan.Options?.Resume == true && plan.Installation is { } restic && !restic.RestoreOverwrite())
        {
            _logger.Warning(
                "restic {Version:l} cannot resume an interrupted restore (restore --overwrite arrived in 0.17): this retry restores every file again",
                restic.Version.ToString(3));
        }
        foreach (var note in plan.GoRuntime.Notes)
            _logger.Information("{Note:l}", note);
        var space = await CheckSpaceAsync(plan, masker, cancellationToken).ConfigureAwait(false);
        if (space?.Refusal() is { } refusal)
        {
            if (plan.Options?.SkipSpaceCheck != true)
                throw new RestoreFailedException(ResticFailure.OneLine(masker.Apply($"restore from {plan.RepositoryDisplay} refused: {refusal}")));
            _logger.Warning("The restore may not fit (--skip-space-check: restoring anyway): {Figures:l}", space.Short!.Describe());
        }
        var total = new ResticRestoreSummary(0, 0, 0, 0) { DirectoriesRestored = 0 };
        for (var i = 0; i < plan.Invocations.Count; i++)
        {
            var call = progress is null ? null : new CallProgress(progress, i + 1, plan.Invocations.Count);
            total = total.Plus(await RunOneAsync(plan, plan.Invocations[i], masker, call, space, cancellationToken).ConfigureAwait(false));
        }
        return total;
    }

    /// <summary>
    /// Asks restic what each call of <paramref name="plan"/> — a plan made with
    /// <see cref="ResticRestoreOptions.ForPreview"/> — would do to the target as it is now. A call restic
    /// cannot answer gets its problem (one masked line); the others are still asked. Writes nothing: the
    /// calls run with <c>--dry-run --no-cache --no-lock</c> and the caller hands credential files over in
    /// memory (<see cref="InMemoryCredentialFiles"/>).
    /// </summary>
    public async Task<IReadOnlyList<CallPreview>> PreviewAsync(ResticPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Options?.DryRun != true)
            throw new ArgumentException("the plan restores; preview a plan made with ForPreview()", nameof(plan));
        // A dry run says what the space check found; it refuses nothing.
        if ((await CheckSpaceAsync(plan, _masker, cancellationToken).ConfigureAwait(false))?.Refusal() is { } refusal)
        {
            _logger.Warning("The restore would be refused{Override:l}: {Refusal:l}",
                plan.Options?.SkipSpaceCheck == true ? " were it not for --skip-space-check" : "", _masker.Apply(refusal));
        }
        var previews = new List<CallPreview>();
        foreach (var invocation in plan.Invocations)
            previews.Add(await PreviewOneAsync(plan, invocation, _masker, cancellationToken).ConfigureAwait(false));
        return previews;
    }

    private async Task<CallPreview> PreviewOneAsync(ResticPlan plan, ResticInvocation invocation, SecretMasker masker, CancellationToken cancellationToken)
    {
        var description = masker.Apply(invocation.Description);
        if (invocation.MirrorProblem is { } unscoped)
            return new CallPreview(description, null, ResticFailure.OneLine(masker.Apply(unscoped)));
        var target = plan.Options?.TargetDirectory ?? "/";
        var state = new CallState(cancellationToken, target, null) { Preview = new PreviewedEntries() };
        _logger.Debug("restic: asking what restoring {What:l} would change under {Target:l}", description, target);
        string? cause;
        try
        {
            (_, cause) = await ExecuteAsync(plan, invocation, state, masker, cancellationToken).ConfigureAwait(false);
        }
        catch (RestoreFailedException e)
        {
            cause = e.Message;
        }
        if (cause is not null)
            return new CallPreview(description, null, ResticFailure.OneLine(masker.Apply(cause)));
        var undecided = state.Preview.Undecided(target);
        var directories = undecided.Count == 0 ? null : await SnapshotDirectoriesAsync(plan, invocation, masker, cancellationToken).ConfigureAwait(false);
        return new CallPreview(description, state.Preview.Count(target, state.Summary?.BytesRestored ?? 0, directories), null);
    }

    /// <summary>
    /// The directories of the snapshot a call restores (<c>restic ls --json</c> with the call's own
    /// selection), to tell an empty new directory from a new empty file or symlink; null (logged) when
    /// the listing fails, and those entries count as files.
    /// </summary>
    private async Task<IReadOnlySet<string>?> SnapshotDirectoriesAsync(ResticPlan plan, ResticInvocation invocation, SecretMasker masker, CancellationToken cancellationToken)
    {
        if (plan.ListSnapshots is null)
            return null;
        List<string> selection = invocation.SnapshotId is { } id ? [id] : ["latest", "--path", invocation.Path ?? "", "--host", invocation.Host ?? ""];
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var (result, lastError) = await ListAsync(plan, ["ls", "--json", .. selection], line =>
        {
            if (line.Contains("\"type\":\"dir\"", StringComparison.Ordinal) && ResticOutput.ListedNode(line) is { Type: "dir" } node)
                directories.Add(node.Path);
        }, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
            return directories;
        _logger.Warning("Could not list the snapshot of {What:l} to tell empty directories from empty files: {Error:l}",
            masker.Apply(invocation.Description), masker.Apply(ResticFailure.StripFatal(lastError) ?? $"restic exited {result.ExitCode}"));
        return null;
    }

    private async Task<ResticRestoreSummary> RunOneAsync(ResticPlan plan, ResticInvocation invocation, SecretMasker masker, IProgress<ResticMessage.Status>? progress, TargetSpaceCheck? space, CancellationToken cancellationToken)
    {
        // A mirror call restic could not be kept inside its restored paths must not run with --delete, nor without it.
        if (invocation.MirrorProblem is { } unscoped)
            throw new RestoreFailedException(ResticFailure.OneLine(masker.Apply($"restic restore of {invocation.Description} from {plan.RepositoryDisplay} failed: {unscoped}")));
        if (invocation.Mirror && invocation.RestoredPaths is null)
            throw new InvalidOperationException($"mirror call {invocation.Description} was not scoped (ResticMirror.Scope)");
        var state = new CallState(cancellationToken, plan.Options?.TargetDirectory ?? "/", progress)
        {
            OomKillsBefore = plan.Options?.Container.OomKills?.Read(),
            Stall = plan.Options?.StallTimeout is { } stall && stall > TimeSpan.Zero ? new ResticStallWatch(stall, _time) : null,
        };
        _logger.Information("restic: restoring {What:l} from {Repository:l}", masker.Apply(invocation.Description), masker.Apply(plan.RepositoryDisplay));

        var (result, cause) = await ExecuteAsync(plan, invocation, state, masker, cancellationToken).ConfigureAwait(false);

        var summary = new ResticRestoreSummary(
            state.Summary?.FilesRestored ?? state.LastStatus?.FilesRestored ?? 0,
            state.Summary?.FilesSkipped ?? 0,
            state.Summary?.BytesRestored ?? state.LastStatus?.BytesRestored ?? 0,
            state.MetadataWarnings);
        if (invocation.ReportsItems)
        {
            if (state.Items.Entries != summary.FilesRestored)
                _logger.Debug("restic reported {Entries} restored entries one by one and {Total} in its summary", state.Items.Entries, summary.FilesRestored);
            summary = summary with { FilesRestored = state.Items.Files, DirectoriesRestored = state.Items.Directories };
        }
        if (invocation.Mirror)
            summary = summary with { FilesDeleted = state.Items.FilesDeleted };

        if (cause is null && !invocation.ReportsItems && plan.Installation is not null)
        {
            // restic < 0.16 says nothing at all, 0.16 counts directories with the files: list the snapshot.
            var snapshotId = state.SnapshotId ?? invocation.SnapshotId ?? await LatestSnapshotIdAsync(plan, invocation, masker, cancellationToken).ConfigureAwait(false);
            var counted = await CountRestoredAsync(plan, snapshotId, masker, cancellationToken).ConfigureAwait(false);
            if (counted is { } c)
            {
                var bytes = state.Summary is null && state.LastStatus is null ? c.Bytes : summary.BytesRestored;
                summary = summary with { FilesRestored = c.Files, DirectoriesRestored = c.Directories, BytesRestored = bytes };
            }
        }
        if (cause is null)
        {
            _logger.Information(
                "restic: restored {What:l}: {Entries:l}, {Size:l} in {Elapsed:l}{Skipped:l}{Deleted:l}{Warnings:l}",
                masker.Apply(invocation.Description), Entries(summary), FormatBytes(summary.BytesRestored), FormatDuration(result.Elapsed),
                summary.FilesSkipped > 0 ? $", {summary.FilesSkipped} unchanged files skipped" : "",
                summary.FilesDeleted is { } deleted ? $", {deleted} files the snapshot lacks deleted" : "",
                summary.MetadataWarnings > 0 ? $", {summary.MetadataWarnings} ownership/permission warnings" : "");
            return summary;
        }
        // restic names the file it could not write; the figures read before it ran say why.
        if (space?.FiguresFor(invocation.Description) is { } figures
            && (cause.Contains(NoSpaceLeft, StringComparison.OrdinalIgnoreCase) || state.DataErrors.Any(e => e.Contains(NoSpaceLeft, StringComparison.OrdinalIgnoreCase))))
            cause = $"{cause}; {NoSpaceLeft}: {figures}";
        var message = ResticFailure.OneLine(masker.Apply($"restic restore of {invocation.Description} from {plan.RepositoryDisplay} failed: {cause}"));
        throw new RestoreFailedException(message);
    }

    /// <summary>
    /// Runs one call to its end under the repository watchdog and says how it went: the process's result
    /// and, when it failed, the cause (unmasked). A stop throws <see cref="ResticStoppedException"/>; a
    /// repository that could not be reached in time or a stalled restore, <see cref="RestoreFailedException"/>.
    /// </summary>
    private async Task<(ProcessResult Result, string? Cause)> ExecuteAsync(ResticPlan plan, ResticInvocation invocation, CallState state, SecretMasker masker, CancellationToken cancellationToken)
    {
        var what = $"restic restore of {invocation.Description} from {plan.RepositoryDisplay}";
        var result = await RunWatchedAsync(plan, invocation.Process, what, state, (stream, line) => OnLine(state, stream, line, masker), masker, cancellationToken).ConfigureAwait(false);
        return (result, await ClassifyAsync(plan, invocation, result, state, masker, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs one restic process under the repository watchdog (<c>--repository-timeout</c>) and, when the
    /// state has one, the stall watch (<c>--stall-timeout</c>). <paramref name="what"/> names the call in
    /// failures ("restic restore of … from …"). A stop throws <see cref="ResticStoppedException"/>; a
    /// timeout, <see cref="RestoreFailedException"/> naming it and restic's last error.
    /// </summary>
    private async Task<ProcessResult> RunWatchedAsync(ResticPlan plan, ProcessSpec process, string what, CallState state, Action<OutputStream, string> onLine, SecretMasker masker, CancellationToken cancellationToken)
    {
        ProcessResult result;
        long? stopAsked = null;
        using (var restic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        using (var finished = new CancellationTokenSource())
        using (restic.Token.Register(() => stopAsked = _time.GetTimestamp()))
        {
            var watchdog = plan.Options?.RepositoryTimeout is { } timeout && timeout > TimeSpan.Zero
                ? WatchRepositoryAsync(state, timeout, restic, finished.Token)
                : Task.CompletedTask;
            var stallWatch = state.Stall?.WatchAsync(restic, _logger, finished.Token) ?? Task.CompletedTask;
            try
            {
                result = await _processes.RunAsync(process, onLine, restic.Token).ConfigureAwait(false);
            }
            finally
            {
                await finished.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(watchdog, stallWatch).ConfigureAwait(false);
            }
        }
        if (result.WasCancelled && stopAsked is { } asked)
            _logger.Information("restic ended {Elapsed:l} after it was asked to stop (exit {Code})", FormatDuration(_time.GetElapsedTime(asked)), result.ExitCode);

        if (state.RepositoryTimedOut is { } gaveUp && !cancellationToken.IsCancellationRequested)
        {
            var last = state.LastTroubleBeforeStop ?? "no error message";
            throw new RestoreFailedException(ResticFailure.OneLine(masker.Apply(
                $"{what} failed: repository not reachable within --repository-timeout {GoCompat.GoDuration.Format(gaveUp)} (restic had not read its config; restic was stopped): {last}")));
        }
        if (state.Stall is { StalledWith: { } complaint } stall && !cancellationToken.IsCancellationRequested)
        {
            throw new RestoreFailedException(ResticFailure.OneLine(masker.Apply(
                $"{what} failed: restic restored nothing for --stall-timeout {GoCompat.GoDuration.Format(stall.Timeout)} while retrying (restic was stopped): {complaint}")));
        }

        if (result.WasCancelled || cancellationToken.IsCancellationRequested)
            throw new ResticStoppedException($"{masker.Apply(what)} was stopped", state.LastTroubleBeforeStop, cancellationToken);
        return result;
    }

    /// <summary>
    /// The target's free space against the snapshots' sizes (<see cref="TargetSpaceCheck"/>), read before
    /// restic writes: one <c>restic snapshots --json</c> under the repository watchdog. Null (logged) when
    /// the plan has no listing or the listing fails: the restore goes on unchecked and fails on its own if
    /// the repository is the problem.
    /// </summary>
    private async Task<TargetSpaceCheck?> CheckSpaceAsync(ResticPlan plan, SecretMasker masker, CancellationToken cancellationToken)
    {
        if (!plan.ChecksSpace || plan.ListSnapshots is not { } list)
            return null;
        var state = new CallState(cancellationToken, plan.Options?.TargetDirectory ?? "/", null);
        var output = new StringBuilder();
        // Named as the restore it precedes: a repository that cannot be reached fails that restore.
        var what = $"restic restore of {plan.Invocations[0].Description} from {plan.RepositoryDisplay}";
        var result = await RunWatchedAsync(plan, list, what, state, (stream, line) =>
        {
            NoteConfigProgress(state, line);
            if (stream == OutputStream.StandardOutput)
            {
                output.AppendLine(line);
            }
            else if (!string.IsNullOrWhiteSpace(line))
            {
                state.LastErrorLine = masker.Apply(ResticOutput.Clean(line));
                // As for a restore: complaints only, not "signal interrupt received" or the exit_error of a stop.
                if (ResticOutput.Parse(line) is ResticMessage.Text { Line: var text } && ResticFailure.LooksLikeTrouble(text) && !state.Stop.IsCancellationRequested)
                    state.LastTroubleBeforeStop = ResticFailure.OneLine(ResticFailure.WithoutRetryPrefix(masker.Apply(text)));
            }
        }, masker, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            _logger.Warning("Could not check the target's free space: restic snapshots exited {Code}: {Error:l}", result.ExitCode, ResticFailure.StripFatal(state.LastErrorLine) ?? "no message");
            return null;
        }
        TargetSpaceCheck check;
        try
        {
            check = TargetSpaceCheck.For(plan, ResticSnapshotList.Parse(output.ToString()), TargetFilesystem.Of, TargetFilesystem.BytesUnder);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            _logger.Warning("Could not check the target's free space: {Error:l}", masker.Apply(e.Message));
            return null;
        }
        foreach (var filesystem in check.Filesystems)
            _logger.Information("Space check: {Figures:l}", masker.Apply(filesystem.Describe()));
        foreach (var skipped in check.Unchecked())
            _logger.Information("Space check skipped for {Call:l}", masker.Apply(skipped));
        return check;
    }

    /// <summary>
    /// Stops restic once <paramref name="timeout"/> has passed while it is still retrying to read the
    /// repository's <c>config</c>. restic 0.18 says nothing when that read succeeds (with
    /// <c>--json</c> the next line may be minutes away, after a large index loads), so "read" is
    /// inferred from its output: any line other than a config retry, or a retry whose announced
    /// wait plus <see cref="RetryAttemptGrace"/> passed without a new complaint (the attempt
    /// worked). Until one of those, or while restic is silent from the start, it keeps watching;
    /// it never cuts a restic that got past the config.
    /// </summary>
    private async Task WatchRepositoryAsync(CallState state, TimeSpan timeout, CancellationTokenSource restic, CancellationToken finished)
    {
        try
        {
            await Task.Delay(timeout, _time, finished).ConfigureAwait(false);
            while (!finished.IsCancellationRequested && !state.ConfigSettled)
            {
                if (state.ConfigPending(_time.GetTimestamp(), _time))
                {
                    state.RepositoryTimedOut = timeout;
                    _logger.Warning("restic has not read the repository's config after {Timeout:l} (--repository-timeout): stopping it", GoCompat.GoDuration.Format(timeout));
                    await restic.CancelAsync().ConfigureAwait(false);
                    return;
                }
                await Task.Delay(WatchInterval, _time, finished).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (finished.IsCancellationRequested)
        {
            // restic ended first.
        }
    }

    private static string Entries(ResticRestoreSummary summary) => summary.DirectoriesRestored is { } directories
        ? string.Create(CultureInfo.InvariantCulture, $"{summary.FilesRestored} files, {directories} dirs")
        : string.Create(CultureInfo.InvariantCulture, $"{summary.FilesRestored} files/dirs");

    /// <summary>How long after a retry's announced wait its attempt may take to fail (connection refused and TLS errors take milliseconds).</summary>
    internal static readonly TimeSpan RetryAttemptGrace = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The call's progress as restic's summary leaves it: restic's last status line can come before the
    /// last bytes arrive (it prints one a second), so progress shown during the call ends on the summary's figures.
    /// </summary>
    private static ResticMessage.Status FinalStatus(ResticMessage.Status last, ResticMessage.Summary summary)
    {
        var totalBytes = summary.TotalBytes > 0 ? summary.TotalBytes : last.TotalBytes;
        var done = summary.BytesRestored + summary.BytesSkipped;
        return last with
        {
            TotalFiles = summary.TotalFiles > 0 ? summary.TotalFiles : last.TotalFiles,
            FilesRestored = Math.Max(summary.FilesRestored, last.FilesRestored),
            FilesSkipped = Math.Max(summary.FilesSkipped, last.FilesSkipped),
            TotalBytes = totalBytes,
            BytesRestored = Math.Max(summary.BytesRestored, last.BytesRestored),
            BytesSkipped = Math.Max(summary.BytesSkipped, last.BytesSkipped),
            PercentDone = totalBytes > 0 ? Math.Max(last.PercentDone, Math.Min(1, (double)done / totalBytes)) : last.PercentDone,
            SecondsElapsed = summary.SecondsElapsed ?? last.SecondsElapsed,
            Final = true,
        };
    }

    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Tells the repository watchdog whether restic is still retrying to read the repository's config.</summary>
    private void NoteConfigProgress(CallState state, string line)
    {
        line = ResticOutput.Clean(line);
        if (string.IsNullOrWhiteSpace(line))
            return;
        var retry = ConfigRetry().Match(line);
        if (retry.Success && GoCompat.GoDuration.TryParse(retry.Groups[1].Value, out var wait))
            state.NoteConfigRetry(_time.GetTimestamp(), wait);
        else
            state.ConfigSettled = true;
    }

    private void OnLine(CallState state, OutputStream stream, string line, SecretMasker masker)
    {
        NoteConfigProgress(state, line);
        line = ResticOutput.Clean(line);
        switch (ResticOutput.Parse(line))
        {
            case ResticMessage.Status status:
                state.LastStatus = status;
                state.Stall?.NoteStatus(status);
                state.Progress?.Report(status);
                break;
            case ResticMessage.Entry entry when state.Preview is { } preview:
                preview.Add(entry);
                break;
            case ResticMessage.Entry entry:
                state.Items.Add(entry, state.TargetDirectory);
                state.Stall?.NoteProgress();
                break;
            case ResticMessage.Summary summary:
                state.Summary = summary;
                state.Stall?.NoteProgress();
                if (state.LastStatus is { } last)
                    state.Progress?.Report(FinalStatus(last, summary));
                break;
            case ResticMessage.Restoring restoring:
                state.SnapshotId = restoring.SnapshotId;
                _logger.Information("restic: {Line:l}", masker.Apply(restoring.Line));
                break;
            case ResticMessage.ItemError error:
                var text = masker.Apply(error.Item is null ? error.Message : $"{error.Item}: {error.Message}");
                if (ResticOutput.IsMetadataError(error.Message))
                {
                    state.MetadataWarnings++;
                    _logger.Warning("restic: could not restore ownership/permissions: {Error:l}", text);
                }
                else
                {
                    state.DataErrors.Add(text);
                    if (error.Item is { Length: > 0 } item)
                        state.DataErrorPaths.Add(item);
                    _logger.Error("restic: could not restore: {Error:l}", text);
                }
                break;
            case ResticMessage.Fatal fatal:
                state.Fatal = fatal;
                _logger.Error("restic: {Line:l}", masker.Apply(ResticFailure.OneLine(fatal.Message)));
                break;
            case ResticMessage.Text { Line: var text2 }:
                if (string.IsNullOrWhiteSpace(text2))
                    break;
                var masked = masker.Apply(text2);
                if (stream == OutputStream.StandardError)
                {
                    state.LastErrorLine = masked;
                    // restic also reports routine steps on stderr ("repository … opened", "created new cache").
                    if (ResticFailure.LooksLikeTrouble(text2))
                    {
                        _logger.Warning("restic: {Line:l}", masked);
                        if (!state.Stop.IsCancellationRequested)
                        {
                            state.LastTroubleBeforeStop = ResticFailure.OneLine(ResticFailure.WithoutRetryPrefix(masked));
                            state.Stall?.NoteTrouble(state.LastTroubleBeforeStop);
                        }
                    }
                    else
                        _logger.Information("restic: {Line:l}", masked);
                }
                else
                {
                    // restic before 0.16 prints no status: any line on stdout is progress.
                    state.Stall?.NoteProgress();
                    _logger.Information("restic: {Line:l}", masked);
                }
                break;
        }
    }

    /// <summary>Null when the call succeeded; otherwise the cause, unmasked (the caller masks). What it means is <see cref="ResticFailure"/>'s to say.</summary>
    private async Task<string?> ClassifyAsync(ResticPlan plan, ResticInvocation invocation, ProcessResult result, CallState state, SecretMasker masker, CancellationToken cancellationToken)
    {
        var end = new ResticFailure.CallEnd(result.ExitCode, result.Signal, state.Fatal?.Message ?? state.LastErrorLine,
            state.DataErrors.Count, state.MetadataWarnings, plan.FailOnMetadataErrors, FileErrors(state));
        var classification = ResticFailure.Classify(end, plan.RepositoryDisplay);
        return classification.Verdict switch
        {
            ResticVerdict.Succeeded => null,
            ResticVerdict.NoSnapshot => await NoSnapshotAsync(plan, invocation, masker, cancellationToken).ConfigureAwait(false),
            ResticVerdict.KilledBySigkill => Killed(plan, state, result.ExitCode),
            _ => classification.Message,
        };
    }

    /// <summary>
    /// restic died by SIGKILL that the executor did not send (a stop is reported before this): the
    /// cgroup's OOM-kill count, read before restic started and now, tells the kernel's OOM killer from
    /// a person or another program; where it cannot be read, that is said rather than guessed.
    /// </summary>
    private static string Killed(ResticPlan plan, CallState state, int code)
    {
        var options = plan.Options;
        var after = options?.Container.OomKills?.Read();
        if (state.OomKillsBefore is not { } before || after is null)
            return $"killed by SIGKILL (exit {code}), not sent by the executor; the container's memory cgroup keeps no OOM-kill count here, so whether the kernel's OOM killer sent it is unknown";
        if (after == before)
            return $"killed by SIGKILL (exit {code}), not by the kernel's OOM killer (the memory cgroup's oom_kill count did not change) and not by the executor: another process or a person killed restic";
        var runtime = plan.GoRuntime.Variables.TryGetValue(GoRuntimeEnvironment.MemoryLimitVariable, out var limit)
            ? $"restic had {GoRuntimeEnvironment.MemoryLimitVariable}={limit}"
            : options?.InheritedGoVariables.Where(v => v.Key is GoRuntimeEnvironment.MemoryLimitVariable or GoRuntimeEnvironment.GcPercentVariable).ToList() is { Count: > 0 } own
            ? $"restic had {string.Join(" and ", own.Select(v => $"{v.Key}={v.Value}"))} from the pod's environment"
            : null;
        if (options?.Container.Memory is not { } memory)
            return $"killed by the kernel's OOM killer (SIGKILL, exit {code}): the node ran out of memory (the container has no memory limit){(runtime is null ? "" : $"; {runtime}")}";
        var raise = options.MemoryLimitSetting is { } setting ? $"raise {setting}" : "raise the container's memory limit";
        return $"killed by the kernel's OOM killer (SIGKILL, exit {code}): restic reached the container's memory limit of {memory.Describe()} ({memory.Source})"
            + $"{(runtime is null ? "" : $" ({runtime})")}; {raise}";
    }

    /// <summary>
    /// "3 error(s) on 2 path(s) (first: …)": restic reports an error per failed operation (a file's
    /// every blob may fail), so errors are counted as errors and the paths they concern apart.
    /// </summary>
    internal static string FileErrors(IReadOnlyList<string> dataErrors, int dataErrorPaths, long metadataWarnings)
    {
        var parts = new List<string>();
        if (dataErrors.Count > 0)
        {
            var paths = dataErrorPaths > 0 ? string.Create(CultureInfo.InvariantCulture, $" on {dataErrorPaths} path(s)") : "";
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{dataErrors.Count} error(s){paths} (first: {dataErrors[0]})"));
        }
        if (metadataWarnings > 0)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{metadataWarnings} ownership/permission error(s)"));
        return string.Join("; ", parts);
    }

    private static string FileErrors(CallState state) => FileErrors(state.DataErrors, state.DataErrorPaths.Count, state.MetadataWarnings);

    private async Task<string> NoSnapshotAsync(ResticPlan plan, ResticInvocation invocation, SecretMasker masker, CancellationToken cancellationToken)
    {
        var what = invocation.Path is not null
            ? $"no snapshot of host \"{invocation.Host}\" with path \"{invocation.Path}\" in repository {plan.RepositoryDisplay}"
            : $"no snapshot with id \"{invocation.SnapshotId}\" in repository {plan.RepositoryDisplay}";
        if (plan.ListSnapshots is null)
            return what;
        var output = new StringBuilder();
        string? lastError = null;
        ProcessResult result;
        try
        {
            result = await _processes.RunAsync(plan.ListSnapshots, (stream, line) =>
            {
                if (stream == OutputStream.StandardOutput)
                    output.AppendLine(line);
                else if (!string.IsNullOrWhiteSpace(line))
                    lastError = ResticOutput.Clean(line);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ProgramNotFoundException e)
        {
            return $"{what}; could not list snapshots: {e.Message}";
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (result.ExitCode != 0)
            return $"{what}; could not list snapshots (exit {result.ExitCode}): {ResticFailure.StripFatal(lastError) ?? "no message"}";
        List<ResticSnapshot> snapshots;
        try
        {
            snapshots = ResticSnapshotList.Parse(output.ToString());
        }
        catch (JsonException e)
        {
            _logger.Debug("restic snapshots --json output was not understood: {Error:l}", masker.Apply(e.Message));
            return $"{what}; could not read the snapshot list";
        }
        if (snapshots.Count == 0)
            return $"{what}; the repository has no snapshots";
        var shown = snapshots.OrderByDescending(s => s.Time).Take(SnapshotsListed).Select(s => s.ToString());
        var more = snapshots.Count > SnapshotsListed ? $", … {snapshots.Count - SnapshotsListed} older" : "";
        return $"{what}; snapshots: {string.Join(", ", shown)}{more}";
    }

    /// <summary>
    /// The snapshot a <c>latest --path P --host H</c> call restored, when restic did not say (0.16 with
    /// <c>--json</c> prints no "restoring &lt;Snapshot …&gt;" line): the newest of H with path P, as restic
    /// picks it. Null (logged at debug level) when the listing fails.
    /// </summary>
    private async Task<string?> LatestSnapshotIdAsync(ResticPlan plan, ResticInvocation invocation, SecretMasker masker, CancellationToken cancellationToken)
    {
        if (invocation.Path is null || plan.ListSnapshots is not { } list)
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
            return ResticSnapshotList.Resolve(ResticSnapshotList.Parse(output.ToString()), invocation)?.Id;
        }
        catch (Exception e) when (e is ProgramNotFoundException or JsonException)
        {
            _logger.Debug("Could not list the snapshots to find the one restored: {Error:l}", masker.Apply(e.Message));
            return null;
        }
    }

    /// <summary>
    /// restic before 0.16 prints no totals for a restore, and 0.16 counts directories with the files:
    /// list the snapshot it restored (<c>restic ls --json</c>) and count the entries now present
    /// under the target, so include/exclude are honoured — directories apart from everything else,
    /// and the bytes of files. Null (with a warning) when the listing fails.
    /// </summary>
    private async Task<(long Files, long Directories, long Bytes)?> CountRestoredAsync(ResticPlan plan, string? snapshotId, SecretMasker masker, CancellationToken cancellationToken)
    {
        if (snapshotId is null || plan.ListSnapshots is not { } list || plan.Options is not { } options)
        {
            _logger.Warning("restic {Version:l} does not count files apart from directories and the restored snapshot is unknown: the counts are restic's own (files and directories together, 0 before restic 0.16)", plan.Installation?.Version.ToString(3));
            return null;
        }
        long files = 0, directories = 0, bytes = 0;
        (ProcessResult Result, string? LastError) listing;
        try
        {
            listing = await ListAsync(plan, ["ls", "--json", snapshotId], line =>
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
            _logger.Warning("Could not count the files restored from snapshot {Snapshot:l}: {Error:l}", snapshotId, masker.Apply(e.Message));
            return null;
        }
        if (listing.Result.ExitCode != 0)
        {
            _logger.Warning(
                "Could not count the files restored from snapshot {Snapshot:l}: restic ls exited {Code}: {Error:l}",
                snapshotId, listing.Result.ExitCode, masker.Apply(ResticFailure.StripFatal(listing.LastError) ?? "no message"));
            return null;
        }
        _logger.Debug("restic {Version:l}: counted {Files} files and {Directories} directories restored from snapshot {Snapshot:l}", plan.Installation?.Version.ToString(3), files, directories, snapshotId);
        return (files, directories, bytes);
    }

    /// <summary>
    /// Runs a reading restic command (<c>ls --json ID</c>…) with the global options of the plan's
    /// snapshot listing (cache or <c>--no-cache</c>, <c>--cacert</c>, <c>-o</c>…), handing each stdout line
    /// to <paramref name="onLine"/>; restic's last stderr line comes back with the result.
    /// </summary>
    private async Task<(ProcessResult Result, string? LastError)> ListAsync(ResticPlan plan, IReadOnlyList<string> command, Action<string> onLine, CancellationToken cancellationToken)
    {
        var list = plan.ListSnapshots ?? throw new InvalidOperationException("the plan has no snapshot listing");
        // The global options follow "snapshots --json" in the listing call.
        var argv = new List<string>(command);
        argv.AddRange(list.Arguments.SkipWhile(a => a is "snapshots" or "--json"));
        string? lastError = null;
        var result = await _processes.RunAsync(list with { Arguments = argv }, (stream, line) =>
        {
            if (stream == OutputStream.StandardError)
            {
                if (!string.IsNullOrWhiteSpace(line))
                    lastError = ResticOutput.Clean(line);
            }
            else
            {
                onLine(line);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (result.WasCancelled || cancellationToken.IsCancellationRequested)
            throw new OperationCanceledException($"restic {command[0]} was stopped", null, cancellationToken);
        return (result, lastError);
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

    internal static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    internal static string FormatDuration(TimeSpan duration) =>
        duration.TotalHours >= 1 ? $"{(int)duration.TotalHours}h{duration.Minutes:00}m{duration.Seconds:00}s"
        : duration.TotalMinutes >= 1 ? $"{duration.Minutes}m{duration.Seconds:00}s"
        : duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    // restic 0.18: "Stat(<config/>) returned error, retrying after 2.59812248s: Head …" and
    // "Load(<config/0000000000>, 0, 0) returned error, retrying after 1.2s: …".
    [GeneratedRegex(@"^(?:Stat|Load)\(<config/[^>]*>[^)]*\) returned error, retrying after ([0-9.hmsµnu]+): ")]
    private static partial Regex ConfigRetry();

    private const string NoSpaceLeft = "no space left on device";

    /// <summary>Stamps each status line with the call that printed it (restic's counts start again with every call).</summary>
    private sealed class CallProgress(IProgress<ResticMessage.Status> inner, int call, int calls) : IProgress<ResticMessage.Status>
    {
        public void Report(ResticMessage.Status value) => inner.Report(value with { Call = call, Calls = calls });
    }

    private sealed class CallState(CancellationToken stop, string targetDirectory, IProgress<ResticMessage.Status>? progress)
    {
        /// <summary>The call's cancellation: complaints after it are about the stop itself.</summary>
        public CancellationToken Stop { get; } = stop;

        /// <summary>Where restic writes: the entries it reports are found under it.</summary>
        public string TargetDirectory { get; } = targetDirectory;

        public IProgress<ResticMessage.Status>? Progress { get; } = progress;

        /// <summary>Entries restic reported one by one (<c>--json -vv</c>), files apart from directories.</summary>
        public RestoredEntries Items { get; } = new();

        /// <summary>A preview's entries (<c>restore --dry-run</c>); null when the call restores.</summary>
        public PreviewedEntries? Preview { get; init; }

        /// <summary>restic's last complaint on stderr before any stop, masked, without its "retrying after" prefix.</summary>
        public string? LastTroubleBeforeStop { get; set; }

        public ResticMessage.Status? LastStatus { get; set; }

        public ResticMessage.Summary? Summary { get; set; }

        public ResticMessage.Fatal? Fatal { get; set; }

        /// <summary>The snapshot restic said it restores (text mode).</summary>
        public string? SnapshotId { get; set; }

        public string? LastErrorLine { get; set; }

        public List<string> DataErrors { get; } = [];

        /// <summary>The distinct paths restic named in <see cref="DataErrors"/>.</summary>
        public HashSet<string> DataErrorPaths { get; } = new(StringComparer.Ordinal);

        public long MetadataWarnings { get; set; }

        /// <summary>The <c>--stall-timeout</c> watch of a restore call; null when off (and for listings).</summary>
        public ResticStallWatch? Stall { get; init; }

        /// <summary>The memory cgroup's OOM-kill count before restic started; null where it cannot be read.</summary>
        public long? OomKillsBefore { get; init; }

        // Written by the output readers, read by the repository watchdog.
        private readonly Lock _configLock = new();
        private long? _lastConfigRetry;
        private TimeSpan _lastConfigRetryWait;
        private volatile bool _configSettled;

        /// <summary>restic printed something other than a config retry: it is past the config.</summary>
        public bool ConfigSettled { get => _configSettled; set => _configSettled = value; }

        /// <summary>Set when the watchdog stopped restic: the <c>--repository-timeout</c> that ran out.</summary>
        public TimeSpan? RepositoryTimedOut { get; set; }

        public void NoteConfigRetry(long now, TimeSpan wait)
        {
            lock (_configLock)
            {
                _lastConfigRetry = now;
                _lastConfigRetryWait = wait;
            }
        }

        /// <summary>restic's last word is a config retry whose next attempt has not had time to succeed.</summary>
        public bool ConfigPending(long now, TimeProvider time)
        {
            lock (_configLock)
            {
                return !_configSettled && _lastConfigRetry is { } at
                    && time.GetElapsedTime(at, now) <= _lastConfigRetryWait + RetryAttemptGrace;
            }
        }
    }
}
