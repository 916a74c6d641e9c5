using System.Text.Json.Nodes;
using System.Text.Json;
using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// A valid session that this executor does not restore: a database or manifest addon, a volume
/// snapshot task. <c>validate</c> prints it as a note; <c>restore</c> refuses it (exit 2) before
/// writing anything.
/// </summary>
internal sealed record UnsupportedRestore(string Addon, string Task)
{
    public string Message =>
        $"addon \"{Addon}\" task \"{Task}\" is not restored by this executor (it restores files: " +
        $"{string.Join(" or ", KubeStashValidation.FileAddons)} with task {KubeStashValidation.FileRestoreTask}); the addon's own executor does";
}

/// <summary>The outcome of <see cref="KubeStashValidation.Check"/>.</summary>
/// <param name="Problems">Each names its place, e.g. <c>spec.dataSource.snapshot: can not be empty</c>.</param>
/// <param name="Unsupported">Set when the session is valid but not a file restore.</param>
internal sealed record KubeStashCheck(IReadOnlyList<string> Problems, UnsupportedRestore? Unsupported)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// Checks a KubeStash RestoreSession as KubeStash's admission webhook does (a snapshot is required
/// without pitr; <c>latest</c> needs a repository), plus what this executor refuses: point-in-time
/// recovery and anything but a file restore.
/// </summary>
internal static class KubeStashValidation
{
    /// <summary>The addons whose restore task is restic file restore.</summary>
    public static readonly IReadOnlyList<string> FileAddons = ["workload-addon", "pvc-addon"];

    public const string FileRestoreTask = "logical-backup-restore";

    public const string LatestSnapshot = "latest";

    /// <summary>Task parameters the executor reads (comma-separated strings).</summary>
    public static readonly IReadOnlyList<string> ListParams = ["include", "exclude"];

    /// <summary>Throws <see cref="InvalidInputException"/> unless the object is a core.kubestash.com/v1alpha1 RestoreSession.</summary>
    public static RestoreSession Accept(RestoreSession session, string source)
    {
        if (session.ApiVersion != RestoreSession.ApiVersionV1Alpha1 || session.Kind != RestoreSession.KindName)
            throw new InvalidInputException(
                $"{source}: expected apiVersion {RestoreSession.ApiVersionV1Alpha1} kind {RestoreSession.KindName}, got apiVersion {session.ApiVersion ?? "<none>"} kind {session.Kind ?? "<none>"}");
        return session;
    }

    public static KubeStashCheck Check(RestoreSession session)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(session.Metadata.Name))
            problems.Add("metadata.name: is empty");
        var spec = session.Spec;
        if (spec.RestoreTimeout is { } timeout && !GoDuration.TryParse(timeout, out _))
            problems.Add($"spec.restoreTimeout: \"{timeout}\" is not a duration like 30m or 1h30m");
        if (Engine.MirrorMode.Problem(session.Metadata.Annotations) is { } mirror)
            problems.Add(mirror);
        problems.AddRange(DataSourceProblems(spec.DataSource));
        var (addonProblems, unsupported) = AddonProblems(spec.Addon);
        problems.AddRange(addonProblems);
        return new KubeStashCheck(problems, unsupported);
    }

    /// <summary>
    /// What <c>restore</c> does with the check: every problem in one line (exit 2), or the
    /// unsupported addon/task (exit 2), before anything is written.
    /// </summary>
    public static RestoreSession EnsureRestorable(RestoreSession session, string source)
    {
        var check = Check(session);
        if (!check.IsValid)
            throw new InvalidInputException($"{source} is invalid: {string.Join("; ", check.Problems)}");
        if (check.Unsupported is { } unsupported)
            throw new InvalidInputException($"{source}: {unsupported.Message}");
        return session;
    }

    private static IEnumerable<string> DataSourceProblems(RestoreDataSource? dataSource)
    {
        if (dataSource is null)
        {
            yield return "spec.dataSource: is required (it names the Snapshot to restore)";
            yield break;
        }
        if (dataSource.Pitr is not null)
        {
            yield return "spec.dataSource.pitr: point-in-time recovery is restored by database addons, not by this executor";
        }
        else if (string.IsNullOrWhiteSpace(dataSource.Snapshot))
        {
            yield return "spec.dataSource.snapshot: can not be empty (name a Snapshot or \"latest\")";
        }
        else if (dataSource.Snapshot == LatestSnapshot && string.IsNullOrWhiteSpace(dataSource.Repository))
        {
            yield return "spec.dataSource.snapshot: \"latest\" needs spec.dataSource.repository (repository can not be empty for latest snapshot)";
        }

        var components = dataSource.Components ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < components.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(components[i]))
                yield return $"spec.dataSource.components[{i}]: is empty";
            else if (!seen.Add(components[i]))
                yield return $"spec.dataSource.components[{i}]: \"{components[i]}\" is listed twice";
        }
        if (dataSource.EncryptionSecret is { } secret && string.IsNullOrWhiteSpace(secret.Name))
            yield return "spec.dataSource.encryptionSecret.name: is required";
    }

    private static (List<string> Problems, UnsupportedRestore? Unsupported) AddonProblems(AddonInfo? addon)
    {
        var problems = new List<string>();
        if (addon is null || string.IsNullOrWhiteSpace(addon.Name))
        {
            problems.Add("spec.addon.name: is required (the addon names the restore task)");
            return (problems, null);
        }
        var tasks = addon.Tasks ?? [];
        if (tasks.Count == 0)
            problems.Add("spec.addon.tasks: is empty; name the restore task (e.g. logical-backup-restore)");
        UnsupportedRestore? unsupported = null;
        for (var t = 0; t < tasks.Count; t++)
        {
            var task = tasks[t];
            if (string.IsNullOrWhiteSpace(task.Name))
            {
                problems.Add($"spec.addon.tasks[{t}].name: is empty");
                continue;
            }
            if (unsupported is null && (!FileAddons.Contains(addon.Name) || task.Name != FileRestoreTask))
                unsupported = new UnsupportedRestore(addon.Name, task.Name);
            foreach (var param in ListParams)
            {
                if (task.Params?[param] is { } value && !IsStringOrStrings(value))
                    problems.Add($"spec.addon.tasks[{t}].params.{param}: expected a comma-separated string, got {value.GetValueKind().ToString().ToLowerInvariant()}");
            }
        }
        return (problems, unsupported);
    }

    private static bool IsStringOrStrings(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => true,
        JsonValueKind.Array => value.AsArray().All(e => e is not null && e.GetValueKind() == JsonValueKind.String),
        _ => false,
    };
}
