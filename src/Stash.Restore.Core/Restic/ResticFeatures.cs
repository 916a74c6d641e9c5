namespace Stash.Restore.Core.Restic;

/// <summary>What the installed restic can do, by version (see each restic release's changelog).</summary>
internal static class ResticFeatures
{
    /// <summary>
    /// The oldest release the test suite runs the restores against (Debian 12's 0.14.0); older
    /// ones are refused rather than trusted untested.
    /// </summary>
    public static readonly Version MinimumSupported = new(0, 14, 0);

    /// <summary><c>restore --json</c> (status and summary messages) arrived in 0.16.0.</summary>
    public static bool RestoreJson(this ResticInstallation restic) => restic.Version >= new Version(0, 16, 0);

    /// <summary>
    /// <c>restore --json -vv</c> prints one <c>verbose_status</c> line per restored entry from 0.17.0
    /// (0.16's JSON printer has none).
    /// </summary>
    public static bool RestoreJsonItems(this ResticInstallation restic) => restic.Version >= new Version(0, 17, 0);

    /// <summary><c>restore --overwrite</c> (resume with <c>if-changed</c>) arrived in 0.17.0.</summary>
    public static bool RestoreOverwrite(this ResticInstallation restic) => restic.Version >= new Version(0, 17, 0);

    /// <summary>
    /// <c>restore --dry-run</c> (what a restore would do to the target, written nowhere) arrived in 0.17.0;
    /// with <c>--json -vv</c> it names each entry it would restore, update, leave unchanged or delete.
    /// </summary>
    public static bool RestoreDryRun(this ResticInstallation restic) => restic.Version >= new Version(0, 17, 0);

    /// <summary><c>restore --delete</c> (remove what the snapshot lacks) arrived in 0.17.0.</summary>
    public static bool RestoreDelete(this ResticInstallation restic) => restic.Version >= new Version(0, 17, 0);

    /// <summary><c>restore --verify</c> exists in every supported release.</summary>
    public static bool RestoreVerify(this ResticInstallation restic) => restic.Version >= MinimumSupported;
}
