using System.Text.Json.Nodes;
using Stash.Restore.IntegrationTests.Families.KubeStash;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>The files an offline KubeStash <c>stash-restore restore --objects …</c> reads and writes, in one test's work directory.</summary>
internal sealed class KubeStashOfflineRun(KubeStashStatefulSetBackups backups, WorkDirectory work)
{
    /// <summary>The backups' objects (or <paramref name="objectsJson"/>) as an <c>--objects</c> file.</summary>
    public string Objects(string? objectsJson = null)
    {
        var path = Path.Combine(work.Path, "objects.json");
        File.WriteAllText(path, objectsJson ?? backups.ObjectsJson);
        return path;
    }

    /// <summary>The session, with an operator-written status the executor must leave alone.</summary>
    public string SessionFile(string dataSource, string taskParams = "")
    {
        var path = Path.Combine(work.Path, "session.yaml");
        File.WriteAllText(path, KubeStashRestoreSessions.StatefulSet(dataSource, taskParams) + "\nstatus:\n  phase: Running\n  totalComponents: 3");
        return path;
    }

    public static JsonObject Status(string statusFile) => (JsonObject)JsonNode.Parse(File.ReadAllText(statusFile))!;
}
