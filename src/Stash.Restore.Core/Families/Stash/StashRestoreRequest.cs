using System.Text.RegularExpressions;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// A host's resolved rule and the session's Repository, as restic's neutral request: one
/// selection per <c>paths</c> entry (latest snapshot of that path from the source host) or per
/// <c>snapshots</c> entry (a restic id, or a Stash Snapshot name reduced to one).
/// </summary>
internal static partial class StashRestoreRequest
{
    /// <exception cref="InvalidInputException">The rule or the Repository cannot work as given.</exception>
    public static ResticRestoreRequest For(ResolvedRule rule, Repository repository, IReadOnlyDictionary<string, string> secret)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(repository);
        var where = rule.Name;
        var paths = rule.Rule.Paths ?? [];
        var snapshots = rule.Rule.Snapshots ?? [];
        if (paths.Count > 0 && snapshots.Count > 0)
            throw new InvalidInputException($"{where}: sets both paths and snapshots");
        if (paths.Count == 0 && snapshots.Count == 0)
            throw new InvalidInputException($"{where}: sets neither paths nor snapshots; it would restore nothing");
        if (paths.Count > 0 && string.IsNullOrWhiteSpace(rule.SourceHost))
            throw new InvalidInputException($"{where}: no source host to restore paths from (restic --host would match any host)");

        var selections = new List<ResticSelection>();
        foreach (var path in paths)
        {
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
                throw new InvalidInputException($"{where}: path '{path}' is not absolute");
            selections.Add(ResticSelection.LatestOf(path, rule.SourceHost));
        }
        foreach (var snapshot in snapshots)
        {
            var id = SnapshotId(snapshot, repository.Metadata.Name, where);
            selections.Add(ResticSelection.Snapshot(id, id == snapshot ? null : $"snapshot {snapshot} (restic id {id})"));
        }
        return new ResticRestoreRequest(StashBackendLocation.Of(repository), secret, selections, rule.Rule.Include ?? [], rule.Rule.Exclude ?? []);
    }

    /// <summary>
    /// A restic short/long id as is; a Stash Snapshot name <c>&lt;repository&gt;-&lt;shortid&gt;</c>
    /// reduced to its id (Stash passed the name to restic and failed with "no matching ID").
    /// </summary>
    public static string SnapshotId(string snapshot, string? repositoryName, string where = "rule")
    {
        var value = (snapshot ?? "").Trim();
        if (value.Length == 0)
            throw new InvalidInputException($"{where}: empty snapshot id");
        // restic would take a leading '-' for an option.
        if (value.StartsWith('-'))
            throw new InvalidInputException($"{where}: snapshot '{value}' is not a snapshot id or Stash Snapshot name");
        if (!string.IsNullOrEmpty(repositoryName) && value.StartsWith(repositoryName + "-", StringComparison.Ordinal))
        {
            var rest = value[(repositoryName.Length + 1)..];
            if (HexId().IsMatch(rest))
                return rest;
        }
        return value;
    }

    [GeneratedRegex("^[0-9a-fA-F]{8,64}$")]
    private static partial Regex HexId();
}
