using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>The seed's StatefulSet session and the objects around it, read through the real --objects reader.</summary>
internal static class KubeStashSamples
{
    /// <summary>The seed document (seeds/002) as a user applies it, status and all.</summary>
    public const string SeedSession = """
        apiVersion: core.kubestash.com/v1alpha1
        kind: RestoreSession
        metadata:
          name: sample-restore
          namespace: demo
        spec:
          addon:
            name: workload-addon
            tasks:
            - name: logical-backup-restore
          dataSource:
            components:
            - pod-0
            - pod-2
            encryptionSecret:
              name: encrypt-secret
              namespace: demo
            repository: gcs-demo-repo
            snapshot: latest
          target:
            apiGroup: apps
            kind: StatefulSet
            name: restore-sts
            namespace: demo
        status:
          components:
            pod-0:
              duration: 10.089085545s
              phase: Succeeded
            pod-2:
              duration: 6.509171185s
              phase: Succeeded
          conditions:
          - lastTransitionTime: "2023-12-18T09:13:35Z"
            message: Validation has been passed successfully.
            reason: ResourceValidationPassed
            status: "True"
            type: ValidationPassed
          dependencies:
          - found: true
            kind: Snapshot
            name: gcs-demo-repo-sample-backup-sts-demo-session-1702543201
            namespace: demo
          duration: 25s
          phase: Succeeded
          targetFound: true
          totalComponents: 2
        """;

    /// <summary>A Snapshot of a 3-pod StatefulSet: pod-0 in the current resticStats shape, pod-1 in the older flat one.</summary>
    public const string StsSnapshot = """
        apiVersion: storage.kubestash.com/v1alpha1
        kind: Snapshot
        metadata:
          name: gcs-demo-repo-sample-backup-sts-demo-session-1702543201
          namespace: demo
        spec:
          repository: gcs-demo-repo
          session: demo-session
          version: v1
          deletionPolicy: Delete
        status:
          phase: Succeeded
          snapshotTime: "2023-12-14T08:40:01Z"
          totalComponents: 3
          components:
            pod-0:
              driver: Restic
              path: repository/v1/demo-session/pod-0
              phase: Succeeded
              resticStats:
              - summary:
                  id: 4a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff0
                  hostPath: /source/data
                  uploaded: 1.2MB
              - summary:
                  id: 5b2c3d4e5f60718293a4b5c6d7e8f901122334455667788
                  hostPath: /source/config
            pod-1:
              path: repository/v1/demo-session/pod-1
              phase: Succeeded
              resticStats:
              - id: 0f1e2d3c
                hostPath: /source/data
            pod-2:
              driver: Restic
              path: repository/v1/demo-session/pod-2
              phase: Failed
              error: "pod-2: restic exited 1"
        """;

    public static ObjectSet Objects(params string[] documents)
    {
        var set = new ObjectSet();
        set.Add(string.Join("\n---\n", documents), "test objects", "demo");
        return set;
    }

    public static RestoreSession ReadSession(string yaml = SeedSession) =>
        Objects(yaml).Get(new ObjectKey(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName, "demo", NameOf(yaml)), KubeStashJsonContext.Default.RestoreSession);

    public static Snapshot ReadSnapshot(string yaml = StsSnapshot) =>
        Objects(yaml).Get(new ObjectKey(Snapshot.ApiVersionV1Alpha1, Snapshot.KindName, "demo", NameOf(yaml)), KubeStashJsonContext.Default.Snapshot);

    /// <summary>The seed session with its spec changed by a YAML fragment replacing <c>spec:</c>.</summary>
    public static RestoreSession SessionWithSpec(string specYaml) => ReadSession($"""
        apiVersion: core.kubestash.com/v1alpha1
        kind: RestoreSession
        metadata:
          name: sample-restore
          namespace: demo
        spec:
        {Indent(specYaml)}
        """);

    public static string Indent(string yaml) => string.Join('\n', yaml.Split('\n').Select(l => "  " + l));

    private static string NameOf(string yaml)
    {
        var line = yaml.Split('\n').First(l => l.TrimStart().StartsWith("name:", StringComparison.Ordinal));
        return line.Split(':', 2)[1].Trim();
    }
}
