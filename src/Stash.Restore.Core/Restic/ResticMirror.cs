namespace Stash.Restore.Core.Restic;

/// <summary>
/// Mirror mode: restic <c>restore --delete</c> kept inside the paths a call restores. Pure: builds and
/// checks arguments, runs nothing.
/// </summary>
/// <remarks>
/// <para>restic 0.17/0.18 <c>--delete</c> removes, in every directory it restores — the target root
/// included — each entry the snapshot lacks and its include/exclude filter selects, with everything under
/// it. A snapshot of <c>/data</c> restored to <c>/</c> with <c>--delete</c> and no filter would delete
/// <c>/etc</c>, <c>/usr</c>… (restic itself refuses <c>--target / --delete</c> without a filter, and
/// <c>--include '*.json'</c> would delete a <c>/stray.json</c> outside <c>/data</c>). So a mirror call
/// always carries an include filter that matches only under its restored paths: <c>--include P</c> for
/// each restored path (restic matches an absolute pattern against the leading components of a path, so
/// <c>/data</c> selects <c>/data/x</c> and not <c>/database</c>), or the user's own includes when each
/// of them is anchored under a restored path.</para>
/// <para>Excludes cannot be kept: restic deletes a directory the snapshot lacks as a whole
/// (<c>filepath.Walk</c> then <c>RemoveAll</c>), excluded files inside it too, and it refuses include and
/// exclude patterns together, so the restriction above cannot be added either. Mirror mode with excludes is
/// refused (tests: MirrorRestoreTests).</para>
/// </remarks>
internal static class ResticMirror
{
    /// <summary>The RestoreSession annotation that turns mirror mode on (either family).</summary>
    public const string Annotation = "stash-restore/mirror";

    // Characters restic's patterns (Go's filepath.Match) treat specially; a backslash makes them literal.
    private const string PatternSpecials = "\\[]*?";

    /// <summary>What can be refused before anything runs: an old restic, exclude patterns.</summary>
    /// <exception cref="InvalidInputException">Mirror mode cannot work as asked.</exception>
    public static void Check(ResticRestoreRequest request, ResticInstallation restic)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(restic);
        if (!restic.RestoreDelete())
            throw new InvalidInputException(
                $"{request.Location.Owner}: mirror mode (annotation {Annotation}) needs restic 0.17 or newer for restore --delete; restic {restic.Version.ToString(3)} at {restic.Path} has none");
        if (request.Exclude.Count > 0)
            throw new InvalidInputException(
                $"{request.Location.Owner}: mirror mode (annotation {Annotation}) cannot be combined with exclude patterns ({string.Join(", ", request.Exclude)}): " +
                "restic's --delete removes a directory the snapshot lacks with everything in it, the files the excludes leave out included; " +
                "use include patterns under the restored path, or restore without mirror mode");
    }

    /// <summary>
    /// The arguments that make one call a mirror of <paramref name="restoredPaths"/>: <c>--delete</c>,
    /// and <c>--include P</c> per restored path unless the request's own includes already keep
    /// restic inside them.
    /// </summary>
    /// <param name="description">The call, for messages.</param>
    /// <exception cref="InvalidInputException">A restored path is the target's root, or an include reaches outside the restored paths.</exception>
    public static IReadOnlyList<string> Arguments(string description, IReadOnlyList<string> restoredPaths, IReadOnlyList<string> include, string targetDirectory)
    {
        ArgumentNullException.ThrowIfNull(restoredPaths);
        ArgumentNullException.ThrowIfNull(include);
        if (restoredPaths.Count == 0)
            throw new InvalidInputException($"{description}: mirror mode: the snapshot names no path to mirror");
        var paths = new List<string[]>();
        foreach (var path in restoredPaths)
        {
            var parts = Components(path)
                ?? throw new InvalidInputException($"{description}: mirror mode: '{path}' is not an absolute path without '.' or '..'");
            // --delete at / of the machine would remove everything the snapshot lacks: the system itself.
            if (parts.Length == 0 && Path.GetFullPath(targetDirectory) == "/")
                throw new InvalidInputException($"{description}: mirror mode would make / itself a mirror of the snapshot (deleting everything it lacks); restore it with --target-dir, or without mirror mode");
            paths.Add(parts);
        }
        if (include.Count == 0)
            return ["--delete", .. paths.SelectMany(p => new[] { "--include", Pattern(p) })];
        foreach (var pattern in include)
        {
            if (!Confined(pattern, paths))
            {
                throw new InvalidInputException(
                    $"{description}: mirror mode: include pattern '{pattern}' is not anchored under the restored path(s) {string.Join(", ", restoredPaths)}, " +
                    $"and restic's --delete removes what the snapshot lacks wherever an include matches; write it as an absolute pattern under a restored path (e.g. '{Pattern(paths[0])}/*.json'), or restore without mirror mode");
            }
        }
        return ["--delete"];
    }

    /// <summary>
    /// Completes the mirror calls of <paramref name="plan"/> that restore a snapshot by id, whose paths
    /// are known only from the repository: each gets its <c>--delete</c> arguments from the snapshot's
    /// paths in <paramref name="snapshots"/>; one not found (or a listing that failed:
    /// <paramref name="listingProblem"/>) keeps a <see cref="ResticInvocation.MirrorProblem"/> and is never run.
    /// </summary>
    /// <exception cref="InvalidInputException">An include reaches outside a snapshot's paths.</exception>
    public static ResticPlan Scope(ResticPlan plan, IReadOnlyList<ResticSnapshot>? snapshots, string? listingProblem)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!NeedsScope(plan))
            return plan;
        var target = plan.Options?.TargetDirectory ?? "/";
        var scoped = plan.Invocations.Select(call =>
        {
            if (!call.Mirror || call.RestoredPaths is not null || call.MirrorProblem is not null)
                return call;
            if (snapshots is null)
                return call with { MirrorProblem = $"mirror mode needs the snapshot's paths, and the repository's snapshots could not be listed: {listingProblem}" };
            if (ResticSnapshotList.Resolve(snapshots, call) is not { } snapshot)
                return call with { MirrorProblem = $"no snapshot with id \"{call.SnapshotId}\" in repository {plan.RepositoryDisplay}" };
            return ResticPlanner.MirrorScoped(call, snapshot.Paths, plan.Include, target);
        }).ToList();
        return plan with { Invocations = scoped };
    }

    /// <summary>Whether some mirror call still waits for its snapshot's paths (see <see cref="Scope"/>).</summary>
    public static bool NeedsScope(ResticPlan plan) =>
        plan.Invocations.Any(call => call.Mirror && call.RestoredPaths is null && call.MirrorProblem is null);

    /// <summary>
    /// An include restic can only match under one of <paramref name="paths"/>: absolute, not negated, and
    /// beginning with every component of that path, literally (no wildcard among them).
    /// </summary>
    private static bool Confined(string pattern, List<string[]> paths)
    {
        if (pattern.StartsWith('!') || Components(pattern) is not { } parts)
            return false;
        return paths.Any(path => parts.Length >= path.Length
            && path.Select((component, i) => parts[i] == component && IsLiteral(parts[i])).All(same => same));
    }

    private static bool IsLiteral(string component) => component.IndexOfAny(PatternSpecials.ToCharArray()) < 0;

    /// <summary>An absolute path's components as restic cleans it; null when relative or with <c>..</c>.</summary>
    private static string[]? Components(string path)
    {
        if (!path.StartsWith('/'))
            return null;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        return parts.Contains("..") ? null : parts;
    }

    /// <summary>The restic pattern matching exactly this path and what is under it.</summary>
    private static string Pattern(string[] components) =>
        "/" + string.Join('/', components.Select(c => string.Concat(c.Select(ch => PatternSpecials.Contains(ch) ? "\\" + ch : ch.ToString()))));
}
