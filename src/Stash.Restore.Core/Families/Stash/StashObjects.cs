using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Accepts Stash objects from files or the API: checks apiVersion/kind first, then every field's
/// type, and normalises the older top-level <c>spec.rules</c> into <c>spec.target.rules</c> as the
/// Stash webhook does. Problems are reported all at once, each with its place.
/// </summary>
internal static class StashObjects
{
    public static readonly ExpectedObjectType RestoreSessionType =
        new(RestoreSession.ApiVersionV1Beta1, RestoreSession.KindName, "Stash RestoreSession");

    public static readonly ExpectedObjectType RepositoryType =
        new(Repository.ApiVersionV1Alpha1, Repository.KindName, "Stash Repository");

    public static RestoreSession ReadRestoreSession(string path) =>
        AcceptRestoreSession(ObjectFileReader.ReadText(path, "RestoreSession"), $"RestoreSession file '{path}'", path);

    public static Repository ReadRepository(string path) =>
        AcceptRepository(ObjectFileReader.ReadText(path, "Repository"), $"Repository file '{path}'", path);

    /// <summary>
    /// A RestoreSession from its text (a file, or the API's JSON body), validated: throws one
    /// <see cref="InvalidInputException"/> naming every problem — type problems, and the rule and
    /// hook problems (<see cref="RestoreSessionValidator"/>) of the fields that fit — so a user fixes
    /// the file in one go.
    /// </summary>
    /// <param name="file">The file's path, for <c>file:line:column</c> in messages; null for API bodies.</param>
    public static RestoreSession AcceptRestoreSession(string text, string source, string? file = null)
    {
        var (session, problems) = CheckRestoreSession(text);
        if (problems.Count > 0)
            throw new InvalidInputException($"{source} is invalid: {ManifestProblem.Join(problems, file)}");
        return session!;
    }

    public static Repository AcceptRepository(string text, string source, string? file = null) =>
        ObjectFileReader.Require(ObjectFileReader.Load(text, StashJsonContext.Default.Repository, RepositoryType), source, file);

    /// <summary>Every problem of a RestoreSession file, type and rule problems alike, as <c>validate</c> reports them.</summary>
    public static IReadOnlyList<ManifestProblem> ValidateRestoreSessionFile(string path) =>
        CheckRestoreSession(ObjectFileReader.ReadText(path, "RestoreSession")).Problems;

    /// <summary>Host claims: Leases <c>stash-restore-&lt;session&gt;-&lt;host&gt;</c>, logged with the run's host property.</summary>
    public static LeaseClaimScope ClaimScope { get; } = new("stash-restore", "host", Logging.LogProperties.Host);

    /// <summary>Events about a restore are recorded on its RestoreSession.</summary>
    public static EventTarget EventTarget(RestoreSession session) =>
        new(RestoreSession.ApiVersionV1Beta1, RestoreSession.KindName, session.Metadata.Namespace ?? "", session.Metadata.Name ?? "", session.Metadata.Uid);

    public static string Describe(RestoreSession session) =>
        $"RestoreSession {session.Metadata.Namespace ?? "?"}/{session.Metadata.Name ?? "?"}";

    private static (RestoreSession? Session, List<ManifestProblem> Problems) CheckRestoreSession(string text)
    {
        var load = ObjectFileReader.Load(text, StashJsonContext.Default.RestoreSession, RestoreSessionType);
        var problems = load.Problems.ToList();
        if (load.Value is null)
            return (null, problems);

        var session = NormaliseRules(load.Value, out var conflict);
        if (conflict is not null)
            problems.Add(conflict with { Position = load.Document?.PositionOf(conflict.Path) });
        if (session is null)
            return (session, problems);

        // The rule checks see the session without its misfit fields; a rule problem about a field
        // that was left out (or the rule holding it) would only repeat the type problem misleadingly.
        var misfits = load.Problems.Select(p => p.Path).OfType<string>().ToList();
        foreach (var message in RestoreSessionValidator.Problems(session))
        {
            var place = ManifestPath.LeadingPlace(message);
            if (place is not null && misfits.Any(m => ManifestPath.Overlap(m, place)))
                continue;
            problems.Add(load.Locate(message));
        }
        return (session, ManifestProblem.InFileOrder(problems));
    }

    private static RestoreSession? NormaliseRules(RestoreSession session, out ManifestProblem? conflict)
    {
        conflict = null;
        var legacy = session.Spec.Rules;
        if (legacy is not { Count: > 0 })
            return session;
        var target = session.Spec.Target ?? new RestoreTarget();
        if (target.Rules is { Count: > 0 })
        {
            conflict = new ManifestProblem(RestoreSessionSpec.LegacyRulesField, "both spec.rules and spec.target.rules are set; keep only spec.target.rules");
            return null;
        }
        return session with
        {
            Spec = session.Spec with { Rules = null, Target = target with { Rules = legacy }, RulesField = RestoreSessionSpec.LegacyRulesField },
        };
    }
}
