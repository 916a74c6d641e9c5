using System.Globalization;
using System.Text.Json;
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
internal sealed class ResticRestoreRunner(IProcessRunner processes, ILogger logger, TimeProvider time, SecretMasker masker)
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
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var (result, lastError) = await ResticReadingCall.RunAsync(_processes, ResticPlanner.ListContents(plan, invocation), line =>
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
            var counted = await new RestoredEntryCounter(_processes, _logger, masker).CountAsync(plan, invocation, state.SnapshotId, cancellationToken).ConfigureAwait(false);
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
                masker.Apply(invocation.Description), Entries(summary), HumanReadable.Bytes(summary.BytesRestored), HumanReadable.Duration(result.Elapsed),
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
            state.Repository = plan.Options?.RepositoryTimeout is { } timeout && timeout > TimeSpan.Zero ? new ResticRepositoryWatch(timeout, _time) : null;
            var repositoryWatch = state.Repository?.WatchAsync(restic, _logger, finished.Token) ?? Task.CompletedTask;
            var stallWatch = state.Stall?.WatchAsync(restic, _logger, finished.Token) ?? Task.CompletedTask;
            try
            {
                result = await _processes.RunAsync(process, onLine, restic.Token).ConfigureAwait(false);
            }
            finally
            {
                await finished.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(repositoryWatch, stallWatch).ConfigureAwait(false);
            }
        }
        if (result.WasCancelled && stopAsked is { } asked)
            _logger.Information("restic ended {Elapsed:l} after it was asked to stop (exit {Code})", HumanReadable.Duration(_time.GetElapsedTime(asked)), result.ExitCode);

        if (state.Repository is { TimedOut: true } repository && !cancellationToken.IsCancellationRequested)
        {
            var last = state.LastTroubleBeforeStop ?? "no error message";
            throw new RestoreFailedException(ResticFailure.OneLine(masker.Apply(
                $"{what} failed: repository not reachable within --repository-timeout {GoCompat.GoDuration.Format(repository.Timeout)} (restic had not read its config; restic was stopped): {last}")));
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
            state.Repository?.Note(line);
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

    private static string Entries(ResticRestoreSummary summary) => summary.DirectoriesRestored is { } directories
        ? string.Create(CultureInfo.InvariantCulture, $"{summary.FilesRestored} files, {directories} dirs")
        : string.Create(CultureInfo.InvariantCulture, $"{summary.FilesRestored} files/dirs");

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

    private void OnLine(CallState state, OutputStream stream, string line, SecretMasker masker)
    {
        state.Repository?.Note(line);
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
            state.DataErrors.Count, state.MetadataWarnings, plan.FailOnMetadataErrors,
            ResticFailure.FileErrors(state.DataErrors, state.DataErrorPaths.Count, state.MetadataWarnings));
        var classification = ResticFailure.Classify(end, plan.RepositoryDisplay);
        return classification.Verdict switch
        {
            ResticVerdict.Succeeded => null,
            ResticVerdict.NoSnapshot => await NoSnapshotAsync(plan, invocation, masker, cancellationToken).ConfigureAwait(false),
            ResticVerdict.KilledBySigkill => ResticFailure.KilledBySigkill(plan, state.OomKillsBefore, plan.Options?.Container.OomKills?.Read(), result.ExitCode),
            _ => classification.Message,
        };
    }

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

        /// <summary>The <c>--repository-timeout</c> watch of the running call; null when off.</summary>
        public ResticRepositoryWatch? Repository { get; set; }
    }
}
