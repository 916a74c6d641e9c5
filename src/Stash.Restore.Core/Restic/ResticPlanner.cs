using System.Text.RegularExpressions;
using Stash.Restore.Core.Model;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Restic;

/// <summary>Turns a host's resolved rule into the restic calls that restore it (SPEC §7).</summary>
internal static partial class ResticPlanner
{
    public const string CacheDirectoryName = "restic-cache";
    public const string TempDirectoryName = "tmp";

    /// <summary>
    /// One call per <c>paths</c> entry (<c>restore latest --path P --host H</c>) or per
    /// <c>snapshots</c> entry (<c>restore ID</c>). Creates the scratch TMPDIR (and cache
    /// directory) and credential files; dispose the plan to remove the credential files.
    /// </summary>
    /// <exception cref="InvalidInputException">Backend or rule cannot work as given.</exception>
    public static ResticPlan Plan(
        ResolvedRule rule,
        Repository repository,
        IReadOnlyDictionary<string, string> secret,
        ResticRestoreOptions options,
        ResticInstallation restic)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(restic);
        var where = $"rule {rule.Index}";
        var paths = rule.Rule.Paths ?? [];
        var snapshots = rule.Rule.Snapshots ?? [];
        if (paths.Count > 0 && snapshots.Count > 0)
            throw new InvalidInputException($"{where}: sets both paths and snapshots");
        if (paths.Count == 0 && snapshots.Count == 0)
            throw new InvalidInputException($"{where}: sets neither paths nor snapshots; it would restore nothing");
        if (paths.Count > 0 && string.IsNullOrWhiteSpace(rule.SourceHost))
            throw new InvalidInputException($"{where}: no source host to restore paths from (restic --host would match any host)");
        if (string.IsNullOrWhiteSpace(options.TargetDirectory))
            throw new InvalidInputException("restore target directory is empty");

        var tempDirectory = Path.Combine(options.ScratchDirectory, TempDirectoryName);
        var cacheDirectory = Path.Combine(options.ScratchDirectory, CacheDirectoryName);
        CreateDirectory(tempDirectory);
        if (options.EnableCache)
            CreateDirectory(cacheDirectory);

        var access = ResticBackends.Build(repository, secret, options.ScratchDirectory, options.MaxConnections);
        var environment = new Dictionary<string, string?>(access.Environment, StringComparer.Ordinal)
        {
            ["TMPDIR"] = tempDirectory,
        };

        var global = new List<string>();
        global.AddRange(options.EnableCache ? ["--cache-dir", cacheDirectory] : ["--no-cache"]);
        global.AddRange(access.GlobalArguments);

        var restoreFlags = new List<string> { "--target", options.TargetDirectory };
        foreach (var include in rule.Rule.Include ?? [])
            restoreFlags.AddRange(["--include", include]);
        foreach (var exclude in rule.Rule.Exclude ?? [])
            restoreFlags.AddRange(["--exclude", exclude]);
        if (options.Resume && restic.RestoreOverwrite())
            restoreFlags.AddRange(["--overwrite", "if-changed"]);
        if (options.Verify && restic.RestoreVerify())
            restoreFlags.Add("--verify");
        if (restic.RestoreJson())
            restoreFlags.Add("--json");

        var invocations = new List<ResticInvocation>();
        foreach (var path in paths)
        {
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
                throw new InvalidInputException($"{where}: path '{path}' is not absolute");
            var argv = new List<string> { "restore", "latest", "--path", path, "--host", rule.SourceHost };
            argv.AddRange(restoreFlags);
            argv.AddRange(global);
            invocations.Add(new ResticInvocation(
                $"path {path} of host {rule.SourceHost} (latest snapshot)",
                new ProcessSpec(restic.Path, argv, environment) { Priority = options.Priority })
            {
                Path = path,
                Host = rule.SourceHost,
            });
        }
        foreach (var snapshot in snapshots)
        {
            var id = SnapshotId(snapshot, repository.Metadata.Name, where);
            var argv = new List<string> { "restore", id };
            argv.AddRange(restoreFlags);
            argv.AddRange(global);
            var description = id == snapshot ? $"snapshot {id}" : $"snapshot {snapshot} (restic id {id})";
            invocations.Add(new ResticInvocation(description, new ProcessSpec(restic.Path, argv, environment) { Priority = options.Priority })
            {
                SnapshotId = id,
            });
        }

        var list = new List<string> { "snapshots", "--json" };
        list.AddRange(global);
        return new ResticPlan(access.Display, invocations, access.SecretValues)
        {
            FilesToRemove = access.FilesWritten,
            ListSnapshots = new ProcessSpec(restic.Path, list, environment),
            FailOnMetadataErrors = options.FailOnMetadataErrors,
            Installation = restic,
            Options = options,
        };
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

    private static void CreateDirectory(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot create scratch directory '{path}': {e.Message}", e);
        }
    }

    [GeneratedRegex("^[0-9a-fA-F]{8,64}$")]
    private static partial Regex HexId();
}
