using Stash.Restore.Core;
using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.IntegrationTests.Cli;
using Stash.Restore.IntegrationTests.Support;

namespace Stash.Restore.IntegrationTests.Families.KubeStash;

/// <summary>
/// A KubeStash component's restore as the engine runs it, through the command: what restic's failure names.
/// </summary>
public sealed class KubeStashComponentJobTests : IClassFixture<KubeStashStatefulSetBackups>, IDisposable
{
    private readonly WorkDirectory _work = new("kubestash-cli-");
    private readonly KubeStashOfflineRun _run;

    public KubeStashComponentJobTests(KubeStashStatefulSetBackups backups) => _run = new KubeStashOfflineRun(backups, _work);

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task An_oom_killed_restic_names_KubeStashs_memory_limit_setting()
    {
        // The container as sample cgroup v2 files (256 MiB); restic "dies" by SIGKILL (exit 137) after the
        // cgroup counted an OOM kill, as the kernel does when it kills at the limit.
        var cgroup = Directory.CreateDirectory(Path.Combine(_work.Path, "sys-fs-cgroup")).FullName;
        var procSelf = Directory.CreateDirectory(Path.Combine(_work.Path, "proc-self")).FullName;
        File.WriteAllText(Path.Combine(procSelf, "cgroup"), "0::/\n");
        File.WriteAllText(Path.Combine(procSelf, "mountinfo"), "30 22 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
        File.WriteAllText(Path.Combine(cgroup, "memory.max"), "268435456\n");
        var events = Path.Combine(cgroup, "memory.events");
        File.WriteAllText(events, "oom 0\noom_kill 0\n");
        var restic = FakeRestic.Create(_work.Path, [], [], exitCode: 137, beforeExit: $"printf 'oom 1\\noom_kill 1\\n' > '{events}'");
        var statusFile = Path.Combine(_work.Path, "status.json");
        var environment = new Dictionary<string, string>(restic.Environment) { ["COMPONENT_NAME"] = "dump-pod-0" };

        var result = await CliHarness.RunAsync(new CgroupFiles(cgroup, procSelf), environment,
            "restore", "--objects", _run.Objects(), "--objects", _run.SessionFile("    repository: sts-repo\n    snapshot: latest"),
            "--status-file", statusFile, "--target-dir", Path.Combine(_work.Path, "t"));

        Assert.True(result.ExitCode == ExitCodes.RestoreFailed, result.ToString());
        Assert.EndsWith(
            "killed by the kernel's OOM killer (SIGKILL, exit 137): restic reached the container's memory limit of 256 MiB (cgroup v2 memory.max) "
            + "(restic had GOMEMLIMIT=203MiB); raise spec.addon.containerRuntimeSettings.resources.limits.memory of the RestoreSession",
            (string?)KubeStashOfflineRun.Status(statusFile)["components"]!["dump-pod-0"]!["error"], StringComparison.Ordinal);
        Assert.Contains("restic gets GOMEMLIMIT=203MiB: the container's memory limit of 256 MiB (cgroup v2 memory.max)", result.Error, StringComparison.Ordinal);
    }
}
