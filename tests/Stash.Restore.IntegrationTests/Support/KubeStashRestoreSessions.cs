namespace Stash.Restore.IntegrationTests.Support;

/// <summary>KubeStash RestoreSession documents for the StatefulSet that the KubeStash tests back up.</summary>
internal static class KubeStashRestoreSessions
{
    /// <summary>
    /// <c>sts-restore</c> in <c>demo</c>: the StatefulSet <c>restore-sts</c> through the workload addon,
    /// encrypted with <see cref="KubeStashRepositories.EncryptionSecretName"/>; <paramref name="dataSource"/> is
    /// inserted under <c>spec.dataSource</c> and <paramref name="taskParams"/> under the addon's task, both as
    /// written (already indented).
    /// </summary>
    public static string StatefulSet(string dataSource, string taskParams = "") => $"""
        apiVersion: core.kubestash.com/v1alpha1
        kind: RestoreSession
        metadata:
          name: sts-restore
          namespace: demo
        spec:
          target: {"{"}apiGroup: apps, kind: StatefulSet, name: restore-sts, namespace: demo{"}"}
          addon:
            name: workload-addon
            tasks:
            - name: logical-backup-restore
        {taskParams}
          dataSource:
            encryptionSecret: {"{"}name: encrypt-secret, namespace: demo{"}"}
        {dataSource}
        """;

    /// <summary>
    /// <c>sample-restore</c> in <c>demo</c> as JSON (as the API server holds it): the same StatefulSet and addon as
    /// <see cref="StatefulSet"/>, the Repository <c>sts-repo</c>'s <c>latest</c> Snapshot, no status.
    /// </summary>
    public const string SampleRestoreJson = """
        {"apiVersion":"core.kubestash.com/v1alpha1","kind":"RestoreSession","metadata":{"name":"sample-restore","namespace":"demo"},
         "spec":{"target":{"apiGroup":"apps","kind":"StatefulSet","name":"restore-sts","namespace":"demo"},
                 "addon":{"name":"workload-addon","tasks":[{"name":"logical-backup-restore"}]},
                 "dataSource":{"repository":"sts-repo","snapshot":"latest","encryptionSecret":{"name":"encrypt-secret","namespace":"demo"}}}}
        """;
}
