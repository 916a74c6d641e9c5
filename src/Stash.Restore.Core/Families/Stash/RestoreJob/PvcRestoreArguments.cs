using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// What Stash's <c>pvc-restore</c> Function passes to <c>restore-pvc</c> (SPEC §15), beyond the
/// flags every command shares: the Repository's backend, the backend Secret, what to restore, and
/// where to write <c>output.json</c>. Lists arrive comma-separated.
/// </summary>
internal sealed record PvcRestoreArguments
{
    public FunctionBackend Backend { get; init; } = new(null, null, null, null, null, false);

    /// <summary><c>--storage-secret-name</c>: the backend Secret, read through the API (unless <c>--secret-dir</c>).</summary>
    public string? StorageSecretName { get; init; }

    /// <summary><c>--storage-secret-namespace</c>; default the Repository's namespace.</summary>
    public string? StorageSecretNamespace { get; init; }

    /// <summary><c>--hostname</c>: stands in for the target's alias (<see cref="JobHost"/>).</summary>
    public string? Hostname { get; init; }

    /// <summary><c>--restore-paths</c>: each restored from its latest snapshot of the source host.</summary>
    public IReadOnlyList<string> RestorePaths { get; init; } = [];

    /// <summary><c>--snapshots</c>: restic ids or Stash Snapshot names.</summary>
    public IReadOnlyList<string> Snapshots { get; init; } = [];

    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary><c>--args</c>: words for <c>restic restore</c> (<see cref="SplitArgs"/>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary><c>--output-dir</c>: where <c>output.json</c> goes; null: no file, and a failed restore exits non-zero.</summary>
    public string? OutputDir { get; init; }

    /// <summary>
    /// <c>--args</c> as restic's words. Stash's resolver joins <c>target.args</c> with spaces and its
    /// flag splits the value at commas only, so two arguments reached restic as one word it refused
    /// (<c>unknown flag: --no-lock --sparse</c>); here each comma-separated entry is split at whitespace
    /// too. An argument that itself holds a space cannot pass through the joined value.
    /// </summary>
    public static IReadOnlyList<string> SplitArgs(string? args) =>
        [.. CommaSeparated.Split(args).SelectMany(entry => entry.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))];
}
