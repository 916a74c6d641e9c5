using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Accepts Stash objects from files or the API: checks apiVersion/kind and normalises the
/// older top-level <c>spec.rules</c> into <c>spec.target.rules</c> as the Stash webhook does.
/// </summary>
internal static class StashObjects
{
    public static RestoreSession ReadRestoreSession(string path) =>
        AcceptRestoreSession(ObjectFileReader.Read(path, StashJsonContext.Default.RestoreSession, "RestoreSession"), $"RestoreSession file '{path}'");

    public static Repository ReadRepository(string path) =>
        AcceptRepository(ObjectFileReader.Read(path, StashJsonContext.Default.Repository, "Repository"), $"Repository file '{path}'");

    public static RestoreSession AcceptRestoreSession(RestoreSession session, string source)
    {
        ExpectType(source, session.ApiVersion, session.Kind, RestoreSession.ApiVersionV1Beta1, RestoreSession.KindName);
        return NormaliseRules(session, source);
    }

    public static Repository AcceptRepository(Repository repository, string source)
    {
        ExpectType(source, repository.ApiVersion, repository.Kind, Repository.ApiVersionV1Alpha1, Repository.KindName);
        return repository;
    }

    public static string Describe(RestoreSession session) =>
        $"RestoreSession {session.Metadata.Namespace ?? "?"}/{session.Metadata.Name ?? "?"}";

    private static void ExpectType(string source, string? apiVersion, string? kind, string wantApiVersion, string wantKind)
    {
        if (apiVersion != wantApiVersion || kind != wantKind)
            throw new InvalidInputException(
                $"{source}: expected apiVersion {wantApiVersion} kind {wantKind}, got apiVersion {apiVersion ?? "<none>"} kind {kind ?? "<none>"}");
    }

    private static RestoreSession NormaliseRules(RestoreSession session, string source)
    {
        var legacy = session.Spec.Rules;
        if (legacy is not { Count: > 0 })
            return session;
        var target = session.Spec.Target ?? new RestoreTarget();
        if (target.Rules is { Count: > 0 })
            throw new InvalidInputException($"{source}: both spec.rules and spec.target.rules are set; keep only spec.target.rules");
        return session with
        {
            Spec = session.Spec with { Rules = null, Target = target with { Rules = legacy }, RulesField = RestoreSessionSpec.LegacyRulesField },
        };
    }
}
