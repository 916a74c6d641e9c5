using System.Text;
using Stash.Restore.Core;
using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// A 3-pod StatefulSet backed up twice as KubeStash does (one restic repository per component, two
/// paths per component), plus a newer Failed Snapshot. Built once per test run and shared, read-only,
/// by the KubeStash test classes.
/// </summary>
public sealed class KubeStashStatefulSetBackups : IAsyncLifetime
{
    public static readonly DateTimeOffset FirstTime = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SecondTime = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly OncePerRun<Backups> Shared = new("kubestash-statefulset-backups", Backups.CreateAsync);
    private Backups _backups = null!;

    internal KubeStashRepositories Repositories => _backups.Repositories;

    internal string ObjectsJson => _backups.ObjectsJson;

    /// <summary>Reference copies: Expected[(version, pod, "data"|"config")].</summary>
    internal IReadOnlyDictionary<(string Version, int Pod, string Part), string> Expected => _backups.Expected;

    internal string SourcePath(int pod, string part) => _backups.SourcePath(pod, part);

    public async Task InitializeAsync() => _backups = await Shared.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed class Backups
    {
        private Backups(KubeStashRepositories repositories) => Repositories = repositories;

        public KubeStashRepositories Repositories { get; }

        public string ObjectsJson { get; private set; } = "";

        public Dictionary<(string Version, int Pod, string Part), string> Expected { get; } = [];

        public string SourcePath(int pod, string part) => Path.Combine(Repositories.Root, "src", $"pod-{pod}", part);

        public static async Task<Backups> CreateAsync(string folder)
        {
            var backups = new Backups(await KubeStashRepositories.CreateAsync(root: folder));
            var first = await backups.BackupSessionAsync("v1", "sts-backup-1", FirstTime);
            var second = await backups.BackupSessionAsync("v2", "sts-backup-2", SecondTime);
            var failed = KubeStashRepositories.Snapshot("sts-repo-sts-backup-3", "sts-backup-3", SecondTime.AddDays(1), second.Status!.Components!, phase: "Failed");
            backups.ObjectsJson = backups.Repositories.ObjectsJson([first, second, failed]);
            return backups;
        }

        private async Task<Snapshot> BackupSessionAsync(string version, string backupSession, DateTimeOffset time)
        {
            var components = new Dictionary<string, SnapshotComponent>(StringComparer.Ordinal);
            for (var pod = 0; pod < 3; pod++)
            {
                foreach (var part in new[] { "data", "config" })
                {
                    var source = SourcePath(pod, part);
                    if (Directory.Exists(source))
                        Directory.Delete(source, recursive: true);
                    Fill(TestTree.At(source), version, pod, part);
                    var expected = Path.Combine(Repositories.Root, "expected", version, $"pod-{pod}", part);
                    Fill(TestTree.At(expected), version, pod, part);
                    Expected[(version, pod, part)] = expected;
                }
                // pod-1 is recorded in the older flat resticStats shape.
                var shape = pod == 1 ? ResticStatsShape.Flat : ResticStatsShape.Summary;
                components[$"dump-pod-{pod}"] = await Repositories.BackupComponentAsync(backupSession, $"dump-pod-{pod}", shape, time, SourcePath(pod, "data"), SourcePath(pod, "config"));
            }
            return KubeStashRepositories.Snapshot($"sts-repo-{backupSession}", backupSession, time, components);
        }

        private static void Fill(TestTree tree, string version, int pod, string part)
        {
            tree.File("app.db", $"{part} of pod-{pod} at {version}\n")
                .File("logs/app.log", $"log {version} {pod}\n")
                .RandomFile("blob.bin", 50_000 + pod, HashCode.Combine(version, pod, part));
        }
    }
}

public sealed class KubeStashResticRestoreTests(KubeStashStatefulSetBackups backups) : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly WorkDirectory _work = new("kubestash-restore-it-");

    public void Dispose() => _work.Dispose();

    private static string Session(string dataSource, string taskParams = "") => KubeStashRestoreSessions.StatefulSet(dataSource, taskParams);

    [Fact]
    public async Task Each_pod_restores_its_own_bytes_from_the_latest_Succeeded_Snapshot()
    {
        var session = Session("    repository: sts-repo\n    snapshot: latest");
        for (var pod = 0; pod < 3; pod++)
        {
            var target = Path.Combine(_work.Path, $"target-{pod}");
            var result = await RestoreAsync(session, null, new() { ["COMPONENT_NAME"] = $"dump-pod-{pod}" }, target);

            Assert.Equal(("sts-repo-sts-backup-2", $"dump-pod-{pod}", 2), (result.Snapshot, result.Component, result.ResticCalls));
            TestTree.AssertEqual(backups.Expected[("v2", pod, "data")], target + backups.SourcePath(pod, "data"));
            TestTree.AssertEqual(backups.Expected[("v2", pod, "config")], target + backups.SourcePath(pod, "config"));
            // Only this pod's data, nothing of the others.
            Assert.Equal([$"pod-{pod}"], Directory.GetDirectories(target + Path.Combine(backups.Repositories.Root, "src")).Select(Path.GetFileName));
        }
    }

    [Fact]
    public async Task A_named_Snapshot_and_a_component_subset_restore_that_backup()
    {
        var session = Session("    snapshot: sts-repo-sts-backup-1\n    components: [dump-pod-2]");
        var target = Path.Combine(_work.Path, "target");

        var result = await RestoreAsync(session, null, [], target);

        Assert.Equal(("sts-repo-sts-backup-1", "dump-pod-2", "the only selected component"), (result.Snapshot, result.Component, result.ChosenBy));
        TestTree.AssertEqual(backups.Expected[("v1", 2, "data")], target + backups.SourcePath(2, "data"));
    }

    [Fact]
    public async Task Exclude_from_the_task_params_reaches_restic()
    {
        var session = Session("    snapshot: sts-repo-sts-backup-2", "      params:\n        exclude: \"*.log\"");
        var target = Path.Combine(_work.Path, "target");

        await RestoreAsync(session, "dump-pod-0", [], target);

        var restored = target + backups.SourcePath(0, "data");
        Assert.True(File.Exists(Path.Combine(restored, "app.db")));
        Assert.True(File.Exists(Path.Combine(restored, "blob.bin")));
        Assert.False(File.Exists(Path.Combine(restored, "logs", "app.log")), "*.log was excluded");
        Assert.False(File.Exists(Path.Combine(target + backups.SourcePath(0, "config"), "logs", "app.log")), "*.log was excluded");
    }

    [Fact]
    public async Task Include_from_the_Function_flag_reaches_restic()
    {
        var session = Session("    snapshot: sts-repo-sts-backup-2");
        var target = Path.Combine(_work.Path, "target");

        await RestoreAsync(session, "dump-pod-1", [], target, includeFlag: backups.SourcePath(1, "config"), excludeFlag: "");

        TestTree.AssertEqual(backups.Expected[("v2", 1, "config")], target + backups.SourcePath(1, "config"));
        Assert.False(Directory.Exists(target + backups.SourcePath(1, "data")), "only the config path was included");
    }

    [Fact]
    public async Task A_pod_the_Snapshot_lacks_gets_the_component_failure_message()
    {
        var session = Session("    repository: sts-repo\n    snapshot: latest");

        var error = await Assert.ThrowsAsync<RestoreFailedException>(() => RestoreAsync(session, null, new() { ["KUBESTASH_COMPONENT_NAME"] = "dump-pod-3" }, Path.Combine(_work.Path, "t")));

        Assert.Equal("component \"dump-pod-3\" not found in snapshot \"sts-repo-sts-backup-2\" (it has: dump-pod-0, dump-pod-1, dump-pod-2)", error.Message);
    }

    private sealed record Restored(string Snapshot, string Component, string ChosenBy, int ResticCalls);

    /// <summary>
    /// A component restore as the product loads it: the session from the --objects files, then
    /// <see cref="KubeStashInputs.LoadAsync"/> (Snapshot, Repository, BackupStorage, Secrets), the
    /// component and filters decided as the command decides them, and one real
    /// <c>restic restore &lt;id&gt;</c> per resticStats entry (the password read from the Secret object).
    /// </summary>
    private async Task<Restored> RestoreAsync(string sessionYaml, string? componentFlag, Dictionary<string, string> environment, string target, string? includeFlag = null, string? excludeFlag = null)
    {
        var objects = new ObjectSet();
        objects.Add(backups.ObjectsJson, "objects.json", "demo");
        objects.Add(sessionYaml, "session.yaml", "demo");
        var sessionKey = Assert.Single(objects.OfKind(RestoreSession.ApiVersionV1Alpha1, RestoreSession.KindName));
        var source = new KubeStashFileObjects(objects, new SecretMasker());
        var session = await source.GetRestoreSessionAsync(sessionKey.Namespace, sessionKey.Name, CancellationToken.None);
        var inputs = await KubeStashInputs.LoadAsync(source, session, snapshotFlag: null, Serilog.Core.Logger.None, CancellationToken.None);

        var (component, filters) = KubeStashComponentRestore.Decide(inputs, new ComponentRequest(componentFlag, includeFlag, excludeFlag, environment));
        if (component.MissingFrom(inputs.Snapshot) is { } missing)
            throw new RestoreFailedException(missing);
        var snapshot = inputs.Snapshot;
        var selection = ComponentSnapshots.From(snapshot, component.Name);
        var request = KubeStashComponentJob.Request(inputs, component.Name, filters);

        // The neutral planner turns it into argv/env; the restic repository is the component's own.
        var scratch = Path.Combine(_work.Path, "scratch");
        var plan = ResticPlanner.Plan(request, new ResticRestoreOptions(target, scratch, EnableCache: true, MaxConnections: null, Priority: null), backups.Repositories.Restic);
        foreach (var directory in plan.ScratchDirectories)
            Directory.CreateDirectory(directory);
        Assert.Equal(selection.Snapshots.Count, plan.Invocations.Count);
        foreach (var invocation in plan.Invocations)
        {
            Assert.Equal(backups.Repositories.ComponentRepository(snapshot.Spec.Session!, component.Name), invocation.Process.Environment["RESTIC_REPOSITORY"]);
            Assert.DoesNotContain(backups.Repositories.Password, invocation.Process.Arguments);
            var stderr = new StringBuilder();
            var result = await new ProcessRunner().RunAsync(
                invocation.Process,
                (stream, line) => { if (stream == OutputStream.StandardError) stderr.AppendLine(line); },
                CancellationToken.None);
            Assert.True(result.ExitCode == 0, $"{invocation.Description}: restic exited {result.ExitCode}: {stderr}");
        }
        return new Restored(snapshot.Metadata.Name!, component.Name, component.ChosenBy, selection.Snapshots.Count);
    }
}
