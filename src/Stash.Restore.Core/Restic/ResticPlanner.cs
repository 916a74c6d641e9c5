using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// Every restic argv the executor runs, in one place (SPEC §7): the restore calls for a request (a
/// location and its selections), the snapshot listing, the listing of one snapshot's contents, mirror
/// mode's <c>--delete</c> scope, and the <c>version</c>/<c>options</c> probes. Pure: creates nothing.
/// </summary>
internal static class ResticPlanner
{
    public const string CacheDirectoryName = "restic-cache";
    public const string TempDirectoryName = "tmp";

    /// <summary>restic's status lines per second (<c>RESTIC_PROGRESS_FPS</c>) for <c>--json</c> restores.</summary>
    public const string ProgressFpsVariable = "RESTIC_PROGRESS_FPS";
    public const string ProgressFps = "2";

    /// <summary>
    /// How much a restore's restic is raised over the executor for the OOM killer (<c>oom_score_adj</c>):
    /// at the container's limit it is restic that dies, and the executor lives to say why and record it.
    /// Half the scale outweighs any difference in size between the two within one container.
    /// </summary>
    public const int ResticOomScoreRaise = 500;

    /// <summary>
    /// How long a stop of restic may take (SIGINT, then SIGTERM, then SIGKILL): a deadline stops restic
    /// within 5 s. restic removes its repository lock on SIGINT in well under a second when the
    /// repository answers; one that does not answer keeps restic retrying the removal for a minute, and
    /// the lock stays behind whatever the wait.
    /// </summary>
    public static readonly TimeSpan ResticStopWithin = TimeSpan.FromSeconds(4);

    /// <summary>
    /// The location's backend when a restic build may lack it (so <c>restic options</c> is worth
    /// asking); null for local, which every build has.
    /// </summary>
    public static string? OptionalBackend(BackendLocation location) => location switch
    {
        { Azure: not null } => "azure",
        { Gcs: not null } => "gs",
        { S3: not null } => "s3",
        { Swift: not null } => "swift",
        { B2: not null } => "b2",
        { Rest: not null } => "rest",
        _ => null,
    };

    /// <summary>
    /// A restic built without the location's backend would fail only after the hooks ran, with a
    /// puzzling "invalid backend" — refuse it up front instead.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">The build lacks the backend.</exception>
    private static void RequireBackend(BackendLocation location, ResticInstallation restic)
    {
        var needed = OptionalBackend(location);
        if (needed is null || restic.Backends is not { } backends || backends.Contains(needed))
            return;
        var why = needed == "azure" ? " (Debian's package disables it)" : "";
        throw new DependencyUnavailableException(
            $"restic {restic.Version.ToString(3)} at {restic.Path} was built without the {needed} backend{why}; use an upstream restic release");
    }

    /// <summary>
    /// One call per selection: <c>restore latest --path P --host H</c> or <c>restore ID</c>,
    /// sharing include/exclude, target, cache and credentials. The scratch folders and credential
    /// files the calls need are listed on the plan and made by the runner, not here.
    /// </summary>
    /// <exception cref="InvalidInputException">The backend or a selection cannot work as given.</exception>
    public static ResticPlan Plan(ResticRestoreRequest request, ResticRestoreOptions options, ResticInstallation restic)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(restic);
        if (request.Selections.Count == 0)
            throw new InvalidInputException($"{request.Location.Owner}: nothing selected to restore");
        if (string.IsNullOrWhiteSpace(options.TargetDirectory))
            throw new InvalidInputException("restore target directory is empty");
        if (options.DryRun && !restic.RestoreDryRun())
            throw new InvalidOperationException($"restic {restic.Version.ToString(3)} has no restore --dry-run (0.17+); check RestoreDryRun() first");
        if (options.Mirror)
            ResticMirror.Check(request, restic);

        var tempDirectory = Path.Combine(options.ScratchDirectory, TempDirectoryName);
        var cacheDirectory = Path.Combine(options.ScratchDirectory, CacheDirectoryName);
        var credentialsDirectory = Path.Combine(options.ScratchDirectory, ResticBackends.CredentialsDirectoryName);

        var access = ResticBackends.Build(request.Location, request.Credentials, credentialsDirectory, options.MaxConnections);
        RequireBackend(request.Location, restic);
        var environment = new Dictionary<string, string?>(access.Environment, StringComparer.Ordinal)
        {
            ["TMPDIR"] = tempDirectory,
        };
        // restic ≥ 0.16 with --json prints a status line 60 times a second when this is unset (and the
        // executor's own environment could set it to anything): twice a second is plenty for a status
        // written every 10 s, and keeps the output the executor parses small.
        if (restic.RestoreJson())
            environment[ProgressFpsVariable] = ProgressFps;
        // Every restic call runs in the same container: the listings (which load the index too) as well.
        var goRuntime = GoRuntimeEnvironment.Choose(options.Container, options.InheritedGoVariables, restic.GoVersion);
        foreach (var (name, value) in goRuntime.Variables)
            environment[name] = value;

        var global = new List<string>();
        global.AddRange(options.EnableCache && !options.DryRun ? ["--cache-dir", cacheDirectory] : ["--no-cache"]);
        // A preview writes nothing, not even the lock file every reading restic puts in the repository.
        if (options.DryRun)
            global.Add("--no-lock");
        global.AddRange(access.GlobalArguments);

        var restoreFlags = new List<string> { "--target", options.TargetDirectory };
        foreach (var include in request.Include)
            restoreFlags.AddRange(["--include", include]);
        foreach (var exclude in request.Exclude)
            restoreFlags.AddRange(["--exclude", exclude]);
        restoreFlags.AddRange(request.ExtraArguments);
        if (options.DryRun)
            restoreFlags.Add("--dry-run");
        // A preview compares with the target as a resumed restore would: unchanged files are left alone.
        if ((options.Resume || options.DryRun) && restic.RestoreOverwrite())
            restoreFlags.AddRange(["--overwrite", "if-changed"]);
        if (options.Verify && !options.DryRun && restic.RestoreVerify())
            restoreFlags.Add("--verify");
        if (restic.RestoreJson())
            restoreFlags.Add("--json");
        // One line per restored entry, so files are counted apart from directories (restic's summary counts both).
        var reportsItems = restic.RestoreJsonItems();
        if (reportsItems)
            restoreFlags.Add("-vv");

        var invocations = new List<ResticInvocation>();
        foreach (var selection in request.Selections)
        {
            if (selection.SnapshotId is { } id)
            {
                if (string.IsNullOrWhiteSpace(id) || id.StartsWith('-'))
                    throw new InvalidInputException($"{selection.Description}: '{id}' is not a snapshot id");
            }
            else
            {
                var path = selection.Path ?? "";
                if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
                    throw new InvalidInputException($"path '{path}' is not absolute");
                if (string.IsNullOrWhiteSpace(selection.Host))
                    throw new InvalidInputException($"path {path}: no source host to restore it from (restic --host would match any host)");
            }
            List<string> argv = ["restore", .. SnapshotSelection(selection.SnapshotId, selection.Path, selection.Host), .. restoreFlags, .. global];
            var process = new ProcessSpec(restic.Path, argv, environment) { Priority = options.Priority, OomScoreRaise = ResticOomScoreRaise, StopWithin = ResticStopWithin };
            var call = new ResticInvocation(selection.Description, process)
            {
                Path = selection.Path,
                Host = selection.Host,
                SnapshotId = selection.SnapshotId,
                ReportsItems = reportsItems,
                Mirror = options.Mirror,
            };
            // A path call mirrors its path; a snapshot call's paths are read from the repository first (ResticMirror.Scope).
            if (selection.Path is { } restoredPath)
                call = options.Mirror ? MirrorScoped(call, [restoredPath], request.Include, options.TargetDirectory) : call with { RestoredPaths = [restoredPath] };
            invocations.Add(call);
        }

        List<string> list = [.. ListSnapshotsCommand, .. global];
        return new ResticPlan(access.Display, invocations)
        {
            CredentialFiles = access.CredentialFiles,
            ScratchDirectories = options.DryRun ? [] : options.EnableCache ? [tempDirectory, cacheDirectory] : [tempDirectory],
            ListSnapshots = new ProcessSpec(restic.Path, list, environment) { StopWithin = ResticStopWithin },
            FailOnMetadataErrors = options.FailOnMetadataErrors,
            ChecksSpace = true,
            Installation = restic,
            Options = options,
            GoRuntime = goRuntime,
            Include = request.Include,
        };
    }
    /// <summary>
    /// A mirror call limited to <paramref name="restoredPaths"/>: restic's <c>--delete</c> (and the
    /// includes that keep it inside them, <see cref="ResticMirror.Arguments"/>) after the call's argv.
    /// </summary>
    /// <exception cref="InvalidInputException">A path or an include would let <c>--delete</c> reach outside them.</exception>
    public static ResticInvocation MirrorScoped(ResticInvocation call, IReadOnlyList<string> restoredPaths, IReadOnlyList<string> include, string targetDirectory)
    {
        ArgumentNullException.ThrowIfNull(call);
        var arguments = ResticMirror.Arguments(call.Description, restoredPaths, include, targetDirectory);
        return call with
        {
            Process = call.Process with { Arguments = [.. call.Process.Arguments, .. arguments] },
            RestoredPaths = restoredPaths,
        };
    }

    /// <summary>
    /// <c>restic ls --json</c> of the snapshot <paramref name="call"/> restores, chosen as the call chooses
    /// it (<c>latest --path P --host H</c> or its id), with the plan's repository, credentials and cache.
    /// </summary>
    public static ProcessSpec ListContents(ResticPlan plan, ResticInvocation call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ListContents(plan, SnapshotSelection(call.SnapshotId, call.Path ?? "", call.Host ?? ""));
    }

    /// <summary><c>restic ls --json ID</c> of one snapshot, with the plan's repository, credentials and cache.</summary>
    public static ProcessSpec ListContents(ResticPlan plan, string snapshotId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(snapshotId);
        return ListContents(plan, [snapshotId]);
    }

    /// <summary><c>restic version</c>: the release and the Go it was built with. Offline; no repository.</summary>
    public static ProcessSpec Version(string restic) => new(restic, ["version"], new Dictionary<string, string?>());

    /// <summary><c>restic options</c>: the extended options of every backend the build has. Offline; no repository.</summary>
    public static ProcessSpec Options(string restic) => new(restic, ["options"], new Dictionary<string, string?>());

    /// <summary>The plan's snapshot listing (<see cref="ResticPlan.ListSnapshots"/>) begins with this; its global options follow.</summary>
    private static readonly string[] ListSnapshotsCommand = ["snapshots", "--json"];

    /// <summary>Which snapshot a call takes: its id, or the newest of host H with path P.</summary>
    private static List<string> SnapshotSelection(string? snapshotId, string? path, string? host) =>
        snapshotId is { } id ? [id] : ["latest", "--path", path ?? "", "--host", host ?? ""];

    /// <summary>A reading call with the global options of the plan's snapshot listing (cache or <c>--no-cache</c>, <c>--cacert</c>, <c>-o</c>…).</summary>
    private static ProcessSpec ListContents(ResticPlan plan, List<string> selection)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var list = plan.ListSnapshots ?? throw new InvalidOperationException("the plan has no snapshot listing");
        if (!list.Arguments.Take(ListSnapshotsCommand.Length).SequenceEqual(ListSnapshotsCommand, StringComparer.Ordinal))
            throw new InvalidOperationException($"the plan's snapshot listing does not begin with '{string.Join(' ', ListSnapshotsCommand)}'");
        return list with { Arguments = ["ls", "--json", .. selection, .. list.Arguments.Skip(ListSnapshotsCommand.Length)] };
    }
}
