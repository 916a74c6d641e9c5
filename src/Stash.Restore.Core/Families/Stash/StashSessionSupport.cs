namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Which valid Stash sessions this executor restores (SPEC §2). A database addon's task
/// (<c>postgres-restore-11.9</c>, a target <c>AppBinding</c>) is restored by the addon's own image
/// (<c>restic dump | psql</c>), and <c>driver: VolumeSnapshotter</c> by volume snapshots: restoring
/// files for them would report success while the database or volume is untouched.
/// </summary>
internal static class StashSessionSupport
{
    public const string VolumeSnapshotter = "VolumeSnapshotter";

    /// <summary>The stand-alone PVC task; its data are files, so it is ours.</summary>
    public const string PvcRestoreTask = "pvc-restore";

    /// <summary>Why this executor does not restore <paramref name="session"/>, or null when it does.</summary>
    public static string? NotOurs(RestoreSession session)
    {
        var name = StashObjects.Describe(session);
        if (session.Spec.Driver == VolumeSnapshotter)
            return $"{name} uses driver {VolumeSnapshotter} (volume snapshots, not restic); stash-restore restores restic data only";
        var task = session.Spec.Task?.Name?.Trim();
        if (!string.IsNullOrEmpty(task) && task != PvcRestoreTask)
            return $"{name} restores through the addon task \"{task}\"; stash-restore restores files (workloads and PVCs) only";
        if (string.IsNullOrEmpty(task) && session.Spec.Target?.Ref?.Kind == "AppBinding")
            return $"{name} restores a database through its AppBinding's addon task; stash-restore restores files (workloads and PVCs) only";
        return null;
    }

    /// <summary>Refuses a session that is not ours before anything is read, written or run.</summary>
    /// <exception cref="InvalidInputException">The session is not restored by this executor (exit 2).</exception>
    public static RestoreSession EnsureOurs(RestoreSession session) =>
        NotOurs(session) is { } reason ? throw new InvalidInputException(reason) : session;
}
