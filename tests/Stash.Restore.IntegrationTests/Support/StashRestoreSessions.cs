namespace Stash.Restore.IntegrationTests.Support;

/// <summary>Stash (v1beta1) RestoreSession documents for the StatefulSet <c>db</c> that the Stash tests back up.</summary>
internal static class StashRestoreSessions
{
    /// <summary>
    /// <c>sts-restore</c> in <c>demo</c>, restoring the StatefulSet <c>db</c> from the Repository <c>test-repo</c>,
    /// followed by <paramref name="rules"/> as written: <c>spec.target.rules</c> (indented 4) or the legacy
    /// <c>spec.rules</c> (indented 2), and anything after them (further documents after <c>---</c>).
    /// </summary>
    public static string StatefulSetDb(string rules) => $"""
        apiVersion: stash.appscode.com/v1beta1
        kind: RestoreSession
        metadata: {"{"}name: sts-restore, namespace: demo{"}"}
        spec:
          repository: {"{"}name: test-repo{"}"}
          target:
            ref: {"{"}apiVersion: apps/v1, kind: StatefulSet, name: db{"}"}
        {rules}
        """;
}
