using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>Loads KubeStash RestoreSessions from a file (<c>validate -f</c>) or from the <c>--objects</c> files.</summary>
internal static class KubeStashObjects
{
    /// <summary>A RestoreSession file; wrong types name the field, a Stash session names the apiVersion found.</summary>
    public static RestoreSession ReadRestoreSession(string path) =>
        KubeStashValidation.Accept(ObjectFileReader.Read(path, KubeStashJsonContext.Default.RestoreSession, "RestoreSession"), $"RestoreSession file '{path}'");

    /// <summary>
    /// The RestoreSession in <paramref name="objects"/>: the one named by <c>--restoresession</c> (in
    /// <paramref name="namespace"/>), or the only one when no name is given.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">The named session is not in the files.</exception>
    /// <exception cref="InvalidInputException">No name and not exactly one session in the files.</exception>
    public static RestoreSession RestoreSession(ObjectSet objects, string? name, string @namespace)
    {
        ObjectKey key;
        if (!string.IsNullOrWhiteSpace(name))
        {
            key = new ObjectKey(KubeStash.RestoreSession.ApiVersionV1Alpha1, KubeStash.RestoreSession.KindName, @namespace, name.Trim());
        }
        else
        {
            var sessions = objects.OfKind(KubeStash.RestoreSession.ApiVersionV1Alpha1, KubeStash.RestoreSession.KindName).ToList();
            key = sessions.Count switch
            {
                1 => sessions[0],
                0 => throw new InvalidInputException($"the --objects files hold no {KubeStash.RestoreSession.ApiVersionV1Alpha1} RestoreSession"),
                _ => throw new InvalidInputException(
                    $"the --objects files hold {sessions.Count} RestoreSessions ({string.Join(", ", sessions.Select(s => $"{s.Namespace}/{s.Name}"))}); name one with --restoresession and --namespace"),
            };
        }
        return objects.Get(key, KubeStashJsonContext.Default.RestoreSession);
    }
}
