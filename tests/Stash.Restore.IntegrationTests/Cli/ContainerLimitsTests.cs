using System.Globalization;
using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Processes;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>
/// The executor (a real process) and real restic inside a real cgroup, limited as Kubernetes limits the
/// restore container (<c>resources.limits.memory</c>, a CPU quota): restic restores what bare restic
/// cannot hold, gets GOMEMLIMIT/GOMAXPROCS unless the pod sets its own, and a SIGKILL is reported as
/// what it was, the kernel's OOM killer at the container's limit or someone else.
/// </summary>
public sealed class ContainerLimitsTests(ContainerLimitsTests.ManySmallFiles snapshot) : IClassFixture<ContainerLimitsTests.ManySmallFiles>
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// Where bare restic dies and the executor does not, for <see cref="ManySmallFiles"/> (measured on
    /// cgroup v1 with restic 0.18.0/Go 1.24 and the Native AOT binary, repeated under a load of 11–15 on
    /// 2 CPUs): bare restic is OOM-killed at 50 MiB and below (its garbage collector keeps the key's
    /// 32 MiB of scrypt until the heap doubles, while the index and trees load) and restores at 52 MiB;
    /// the executor restores at 40 MiB and above (restic then gets GOMEMLIMIT=10MiB and collects as it
    /// goes) and its restic is killed at 38 MiB. 45 MiB keeps 5 MiB from either edge.
    /// </summary>
    private const long Limit = 45 * MiB;

    [RequiresMemoryCgroupAndShippedBinaryFact]
    public async Task A_restore_completes_under_a_limit_where_bare_restic_is_oom_killed()
    {
        using var work = new WorkDirectory("limits-floor-");

        // Bare restic: the very call the executor makes (its argv and environment), in the same limit.
        var bareTarget = Path.Combine(work.Path, "bare");
        using (var bare = TestCgroup.Create(Limit))
        {
            var environment = snapshot.Repository.ResticEnvironment();
            environment["RESTIC_PROGRESS_FPS"] = "2";
            string[] restic =
            [
                snapshot.Repository.Restic.Path, "restore", "latest", "--path", snapshot.Data, "--host", "host-0", "--target", bareTarget,
                "--json", "-vv", "--cache-dir", Path.Combine(work.Path, "bare-cache"),
            ];
            var result = await new ProcessRunner().RunAsync(new ProcessSpec(bare.RunUnder[0], [.. bare.RunUnder.Skip(1), .. restic], environment), null, CancellationToken.None);

            Assert.True(result.ExitCode == 137, $"bare restic exited {result.ExitCode} under {Limit / MiB} MiB, not killed; the limit no longer shows the difference");
            Assert.Equal(1, bare.OomKills());
            Assert.True(ManySmallFiles.Restored(bareTarget) < ManySmallFiles.Count);
        }

        using var cgroup = TestCgroup.Create(Limit);
        var (args, target, _) = snapshot.Restore(work.Path);
        var run = await ExecutorProcess.RunAsync(args, timeout: TimeSpan.FromMinutes(3), runUnder: cgroup.RunUnder);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(0, cgroup.OomKills());
        Assert.Equal(ManySmallFiles.Count, ManySmallFiles.Restored(target));
        Assert.Contains($"restic gets GOMEMLIMIT=11MiB, a quarter of the container's memory limit of 45 MiB ({cgroup.LimitSource})", run.Error, StringComparison.Ordinal);
    }

    [RequiresMemoryCgroupAndShippedBinaryFact]
    public async Task An_oom_kill_names_the_containers_limit_and_the_setting_to_raise()
    {
        // GOGC=off from the pod: restic is given no GOMEMLIMIT and never collects, so a limit smaller than
        // all it allocates kills it (over 100 MiB for this snapshot; the executor itself needs about 10).
        using var work = new WorkDirectory("limits-oom-");
        using var cgroup = TestCgroup.Create(64 * MiB);
        var (args, _, status) = snapshot.Restore(work.Path);

        var run = await ExecutorProcess.RunAsync(args, new Dictionary<string, string> { ["GOGC"] = "off" }, TimeSpan.FromMinutes(2), cgroup.RunUnder);

        Assert.True(run.ExitCode == ExitCodes.RestoreFailed, run.ToString());
        Assert.Equal(1, cgroup.OomKills());
        var error = (string?)StatusEntry(status)["error"];
        Assert.EndsWith(
            $"failed: killed by the kernel's OOM killer (SIGKILL, exit 137): restic reached the container's memory limit of 64 MiB ({cgroup.LimitSource}) "
            + "(restic had GOGC=off from the pod's environment); raise spec.runtimeSettings.container.resources.limits.memory of the RestoreSession",
            error, StringComparison.Ordinal);
        Assert.Contains($"restic keeps GOGC=off from the pod's environment (the container's memory limit is 64 MiB, {cgroup.LimitSource})", run.Error, StringComparison.Ordinal);
        Assert.Equal("Failed", (string?)StatusEntry(status)["phase"]);
    }

    [RequiresMemoryCgroupFact]
    public async Task A_restic_killed_by_someone_is_reported_without_guessing()
    {
        using var work = new WorkDirectory("limits-sigkill-");
        using var cgroup = TestCgroup.Create(512 * MiB);
        var (args, _, status) = snapshot.Restore(work.Path);
        using var executor = ExecutorProcess.Start(args, runUnder: cgroup.RunUnder);
        var error = executor.StandardError.ReadToEndAsync();
        var output = executor.StandardOutput.ReadToEndAsync();

        // A person's `kill -9` of restic's restore, found among the container's processes.
        var restic = 0;
        await SigtermRig.WaitUntilAsync(() => (restic = cgroup.Processes().FirstOrDefault(IsResticRestore)) != 0 || executor.HasExited);
        // (Never an awaited message here: it would wait for the executor's end before the kill.)
        if (restic == 0)
            Assert.Fail($"restic's restore was never seen running: {await error}");
        Assert.Equal(0, Mono.Unix.Native.Syscall.kill(restic, Mono.Unix.Native.Signum.SIGKILL));
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            await executor.WaitForExitAsync(patience.Token);
        await output;

        Assert.True(executor.ExitCode == ExitCodes.RestoreFailed, await error);
        Assert.Equal(0, cgroup.OomKills());
        var message = (string?)StatusEntry(status)["error"];
        Assert.EndsWith(
            "failed: killed by SIGKILL (exit 137), not by the kernel's OOM killer (the memory cgroup's oom_kill count did not change) "
            + "and not by the executor: another process or a person killed restic",
            message, StringComparison.Ordinal);
        Assert.DoesNotContain("memory limit", message, StringComparison.Ordinal);
        Assert.DoesNotContain("likely", await error, StringComparison.Ordinal);
    }

    [RequiresCpuCgroupFact]
    public async Task Gomemlimit_and_gomaxprocs_reach_restic_and_the_pods_own_are_left_alone()
    {
        using var work = new WorkDirectory("limits-env-");
        using var repository = await TestRepository.CreateAsync();
        var data = Path.Combine(repository.Root, "data");
        TestTree.At(data).File("a.txt", "alpha\n").File("sub/b.txt", "beta\n");
        await repository.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-1), data);
        var files = new ManySmallFiles.Inputs(repository, data);

        // restic as the executor runs it, through a wrapper on PATH that records the environment of each restore.
        var record = Path.Combine(work.Path, "restic-environment");
        var bin = Directory.CreateDirectory(Path.Combine(work.Path, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "restic"), $"#!/bin/sh\n[ \"$1\" = restore ] && env > '{record}'\nexec '{repository.Restic.Path}' \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "restic"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
        // Go 1.25 follows the quota itself: then GOMAXPROCS is rightly not given.
        var goFollowsQuota = repository.Restic.GoVersion is { } go && go >= new Version(1, 25);

        using var cgroup = TestCgroup.Create(256 * MiB, cpuQuota: 50000);
        async Task<(CliResult Run, Dictionary<string, string> Restic)> RestoreAsync(string name, Dictionary<string, string> pod)
        {
            File.Delete(record);
            pod["PATH"] = path;
            var (args, _, _) = files.Restore(Directory.CreateDirectory(Path.Combine(work.Path, name)).FullName);
            var run = await ExecutorProcess.RunAsync(args, pod, TimeSpan.FromMinutes(2), cgroup.RunUnder);
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            return (run, File.ReadAllLines(record).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]));
        }

        var (given, restic) = await RestoreAsync("given", []);
        Assert.Equal("203MiB", restic.GetValueOrDefault("GOMEMLIMIT"));
        Assert.Equal(goFollowsQuota ? null : "1", restic.GetValueOrDefault("GOMAXPROCS"));
        Assert.False(restic.ContainsKey("GOGC"));
        Assert.Contains("restic gets GOMEMLIMIT=203MiB: the container's memory limit of 256 MiB", given.Error, StringComparison.Ordinal);
        if (!goFollowsQuota)
            Assert.Contains("restic gets GOMAXPROCS=1: the container's CPU quota is 0.5 CPU", given.Error, StringComparison.Ordinal);

        var (kept, own) = await RestoreAsync("kept", new() { ["GOMEMLIMIT"] = "300MiB", ["GOMAXPROCS"] = "3" });
        Assert.Equal("300MiB", own.GetValueOrDefault("GOMEMLIMIT"));
        Assert.Equal("3", own.GetValueOrDefault("GOMAXPROCS"));
        Assert.Contains("restic keeps GOMEMLIMIT=300MiB from the pod's environment", kept.Error, StringComparison.Ordinal);
        Assert.Contains("restic keeps GOMAXPROCS=3 from the pod's environment", kept.Error, StringComparison.Ordinal);

        // The pod's GOGC alone: restic gets no GOMEMLIMIT either, the garbage collector is the pod's to tune.
        var (_, gogc) = await RestoreAsync("gogc", new() { ["GOGC"] = "50" });
        Assert.Equal("50", gogc.GetValueOrDefault("GOGC"));
        Assert.False(gogc.ContainsKey("GOMEMLIMIT"));

        // The dry run shows the values restic would get.
        var (planArgs, _, _) = files.Restore(Directory.CreateDirectory(Path.Combine(work.Path, "plan")).FullName);
        var plan = await ExecutorProcess.RunAsync([.. planArgs, "--dry-run"], new Dictionary<string, string> { ["PATH"] = path }, TimeSpan.FromMinutes(2), cgroup.RunUnder);
        Assert.Contains(goFollowsQuota ? "env:  GOMEMLIMIT=203MiB RESTIC_PASSWORD" : "env:  GOMAXPROCS=1 GOMEMLIMIT=203MiB RESTIC_PASSWORD", plan.Output, StringComparison.Ordinal);
    }

    private static JsonNode StatusEntry(string statusFile) => JsonNode.Parse(File.ReadAllText(statusFile))!["stats"]![0]!;

    private static bool IsResticRestore(int pid)
    {
        try
        {
            var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return argv.Length > 1 && Path.GetFileName(argv[0]) == "restic" && argv[1] == "restore";
        }
        catch (IOException)
        {
            return false; // ended while we looked
        }
    }

    /// <summary>
    /// 15,000 small files (15 folders of 1,000) backed up as host-0 into a copy of
    /// Fixtures/restic-repository-scrypt-32mib, whose key takes 32 MiB to open: restic's memory in
    /// restoring it is the same on every machine. Made once for the class.
    /// </summary>
    public sealed class ManySmallFiles : IAsyncLifetime
    {
        public const int Count = 15_000;

        private Inputs _inputs = null!;

        internal TestRepository Repository => _inputs.Repository;

        internal string Data => _inputs.Data;

        public async Task InitializeAsync()
        {
            var repository = await TestRepository.CreateFromScryptFixtureAsync();
            try
            {
                var data = Path.Combine(repository.Root, "data");
                for (var folder = 0; folder < Count / 1000; folder++)
                {
                    var directory = Directory.CreateDirectory(Path.Combine(data, folder.ToString("D2", CultureInfo.InvariantCulture))).FullName;
                    for (var i = 0; i < 1000; i++)
                        File.WriteAllText(Path.Combine(directory, $"f{i:D4}.txt"), $"file {folder}-{i}\n");
                }
                await repository.BackupAsync("host-0", DateTimeOffset.UtcNow.AddMinutes(-1), data);
                _inputs = new Inputs(repository, data);
            }
            catch
            {
                repository.Dispose();
                throw;
            }
        }

        public Task DisposeAsync()
        {
            _inputs?.Repository.Dispose();
            return Task.CompletedTask;
        }

        /// <summary>See <see cref="Inputs.Restore"/>.</summary>
        internal (string[] Args, string Target, string Status) Restore(string work) => _inputs.Restore(work);

        /// <summary>Regular files under <paramref name="target"/>.</summary>
        public static int Restored(string target) =>
            Directory.Exists(target) ? Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Count() : 0;

        /// <summary>A repository and the folder backed up into it as host-0.</summary>
        internal sealed record Inputs(TestRepository Repository, string Data)
        {
            /// <summary>
            /// An offline restore of <see cref="Data"/> with its own files in <paramref name="work"/>: the
            /// RestoreSession, Repository and Secret, target, scratch folder and status file.
            /// </summary>
            public (string[] Args, string Target, string Status) Restore(string work)
            {
                var session = Path.Combine(work, "rs.yaml");
                File.WriteAllText(session, StashRestoreSessions.StatefulSetDb($"    rules:\n    - paths: [\"{Data}\"]\n"));
                var repository = Path.Combine(work, "repository.yaml");
                File.WriteAllText(repository, $"apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {{name: test-repo, namespace: demo}}\nspec:\n  backend:\n    local:\n      mountPath: {Repository.RepositoryPath}\n");
                var secret = Directory.CreateDirectory(Path.Combine(work, "secret")).FullName;
                File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), Repository.Password);
                var target = Path.Combine(work, "restored");
                var status = Path.Combine(work, "status.json");
                return ([
                    "restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret, "--host", "host-0",
                    "--target-dir", target, "--scratch-dir", Path.Combine(work, "scratch"), "--status-file", status, "--log-format", "text",
                ], target, status);
            }
        }
    }
}
