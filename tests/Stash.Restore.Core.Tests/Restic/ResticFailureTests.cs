using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>
/// restic's failures told apart on what restic 0.18 really exits with and prints (its <c>exit_error</c>
/// messages, captured from restic 0.18.0 against local and REST repositories).
/// </summary>
public sealed class ResticFailureTests
{
    private const string Repository = "rest:http://restic:***@127.0.0.1:8000/demo";

    private static ResticFailure.Classification Classify(int code, string? said, int? signal = null, int dataErrors = 0, long metadataWarnings = 0, bool failOnMetadata = false) =>
        ResticFailure.Classify(new ResticFailure.CallEnd(code, signal, said, dataErrors, metadataWarnings, failOnMetadata, "2 error(s) on 1 path(s) (first: /data/a: permission denied)"), Repository);

    [Theory]
    [InlineData(12, "Fatal: wrong password or no key found",
        "wrong password for repository rest:http://restic:***@127.0.0.1:8000/demo (exit 12); check RESTIC_PASSWORD in the backend Secret")]
    [InlineData(10, "Fatal: repository does not exist: unable to open config file: stat /backups/demo/config: no such file or directory\nIs there a repository at the following location?\n/backups/demo",
        "no repository at rest:http://restic:***@127.0.0.1:8000/demo (exit 10): repository does not exist: unable to open config file: stat /backups/demo/config: no such file or directory Is there a repository at the following location? /backups/demo")]
    [InlineData(10, "Fatal: unable to open config file: unexpected HTTP response (401): 401 Unauthorized\nIs there a repository at the following location?\nrest:http://restic:***@127.0.0.1:8000/demo",
        "authentication failed for repository rest:http://restic:***@127.0.0.1:8000/demo (exit 10): unable to open config file: unexpected HTTP response (401): 401 Unauthorized; check the credentials in the backend Secret (REST_SERVER_USERNAME/REST_SERVER_PASSWORD for a REST server)")]
    [InlineData(11, "Fatal: unable to create lock in backend: repository is already locked exclusively by PID 4242 on backup-0 by root (UID 0, GID 0)\nlock was created at 2026-12-06 09:00:00 (1m0s ago)\nstorage ID 1a2b3c4d",
        "repository rest:http://restic:***@127.0.0.1:8000/demo is locked (exit 11): unable to create lock in backend: repository is already locked exclusively by PID 4242 on backup-0 by root (UID 0, GID 0) lock was created at 2026-12-06 09:00:00 (1m0s ago) storage ID 1a2b3c4d; a stale lock left by a killed restic is removed with `restic unlock` (see `restic list locks`)")]
    [InlineData(130, "signal interrupt received, cleaning up", "interrupted (exit 130)")]
    [InlineData(3, "Fatal: something new", "restic exited with unexpected code 3: something new")]
    [InlineData(1, "Fatal: unable to load index 1a2b3c4d: ciphertext verification failed", "unable to load index 1a2b3c4d: ciphertext verification failed")]
    [InlineData(1, null, "restic exited 1 without an error message")]
    public void A_failure_is_named_by_what_restic_exited_with_and_said(int code, string? said, string expected)
    {
        var classification = Classify(code, said);

        Assert.Equal((ResticVerdict.Failed, expected), (classification.Verdict, classification.Message));
    }

    [Theory]
    [InlineData("Fatal: failed to find snapshot: snapshot filter (Paths:[] Tags:[] Hosts:[nope]): no snapshot found")]
    [InlineData("Fatal: failed to find snapshot: no matching ID found for prefix \"deadbeef\"")]
    public void No_snapshot_to_restore_is_its_own_verdict(string said) =>
        Assert.Equal(ResticVerdict.NoSnapshot, Classify(1, said).Verdict);

    [Fact]
    public void Sigkill_not_sent_by_the_executor_is_for_the_cgroup_to_explain_other_signals_are_named()
    {
        Assert.Equal(ResticVerdict.KilledBySigkill, Classify(137, null, signal: 9).Verdict);
        Assert.Equal("killed by signal 15 (exit 143)", Classify(143, null, signal: 15).Message);
    }

    [Fact]
    public void Ownership_errors_alone_are_warnings_unless_asked_to_fail_data_errors_always_fail()
    {
        Assert.Equal(ResticVerdict.Succeeded, Classify(1, "There were 3 errors", metadataWarnings: 3).Verdict);
        Assert.Equal((ResticVerdict.Failed, "2 error(s) on 1 path(s) (first: /data/a: permission denied)"), Tuple(Classify(1, "There were 3 errors", metadataWarnings: 3, failOnMetadata: true)));
        Assert.Equal((ResticVerdict.Failed, "2 error(s) on 1 path(s) (first: /data/a: permission denied)"), Tuple(Classify(1, "There were 2 errors", dataErrors: 2)));
        // A call that exits 0 after per-item errors about data still fails.
        Assert.Equal(ResticVerdict.Failed, Classify(0, null, dataErrors: 2).Verdict);
        Assert.Equal(ResticVerdict.Succeeded, Classify(0, null).Verdict);
    }

    [Fact]
    public void Restics_words_are_one_line_without_fatal_and_complaints_are_told_from_chatter()
    {
        Assert.Equal("wrong password or no key found", ResticFailure.StripFatal("Fatal: wrong password or no key found\n"));
        Assert.Null(ResticFailure.StripFatal("  "));
        Assert.Equal("Head \"http://127.0.0.1:1/config\": dial tcp 127.0.0.1:1: connect: connection refused",
            ResticFailure.WithoutRetryPrefix("Stat(<config/>) returned error, retrying after 2.59812248s: Head \"http://127.0.0.1:1/config\": dial tcp 127.0.0.1:1: connect: connection refused"));
        Assert.True(ResticFailure.LooksLikeTrouble("unable to open config file"));
        Assert.False(ResticFailure.LooksLikeTrouble("restoring <Snapshot 1a2b3c4d of [/data] at 2026-12-06> to /"));
        // restic 0.18, three replicas restoring from one local repository: another restic's lock vanished under this one's read.
        Assert.False(ResticFailure.LooksLikeTrouble("Load(<lock/41fa805b4f>, 0, 0) failed: open /tmp/stash-testrepo-bXEsYV/repo/locks/41fa805b4f5a6f372feb97c60df96ca3b24f87cbf5e45f7bc56abfee9ecd3dce: no such file or directory"));
        // The same race through restic's retry wrapper, and on a REST server (404 for the lock file).
        Assert.False(ResticFailure.LooksLikeTrouble("Load(<lock/41fa805b4f>, 0, 0) returned error, retrying after 552.330144ms: open /repo/locks/41fa: no such file or directory"));
        Assert.False(ResticFailure.LooksLikeTrouble("Load(<lock/41fa805b4f>, 0, 0) returned error, retrying after 1.2s: unexpected HTTP response (404): 404 Not Found"));
        Assert.True(ResticFailure.LooksLikeTrouble("Load(<data/41fa805b4f>, 0, 0) failed: open /repo/data/41/41fa: no such file or directory"));
        Assert.True(ResticFailure.LooksLikeTrouble("Load(<lock/41fa805b4f>, 0, 0) failed: open /repo/locks/41fa: permission denied"));
    }

    private static (ResticVerdict, string?) Tuple(ResticFailure.Classification c) => (c.Verdict, c.Message);

    [Fact]
    public void File_errors_count_errors_and_the_paths_they_concern_apart()
    {
        Assert.Equal("3 error(s) on 1 path(s) (first: /data/b: open /t/data/b: permission denied)",
            ResticFailure.FileErrors(["/data/b: open /t/data/b: permission denied", "/data/b: again", "/data/b: and again"], 1, 0));
        Assert.Equal("1 error(s) (first: restore: unexpected EOF); 2 ownership/permission error(s)",
            ResticFailure.FileErrors(["restore: unexpected EOF"], 0, 2));
        Assert.Equal("", ResticFailure.FileErrors([], 0, 0));
    }

    private static ResticPlan PlanIn(ContainerLimits limits, IReadOnlyDictionary<string, string>? inherited = null, string? setting = null)
    {
        var options = new ResticRestoreOptions("/", "/scratch", true, null, null)
        {
            Container = limits,
            InheritedGoVariables = inherited ?? new Dictionary<string, string>(),
            MemoryLimitSetting = setting,
        };
        return new ResticPlan(Repository, [])
        {
            Options = options,
            GoRuntime = GoRuntimeEnvironment.Choose(limits, options.InheritedGoVariables, new Version(1, 24, 4)),
        };
    }

    private static readonly ContainerLimits Limit256 = new() { Memory = new MemoryLimit(256L * 1024 * 1024, "cgroup v2 memory.max") };

    [Fact]
    public void A_sigkill_with_the_oom_count_risen_is_the_oom_killer_at_the_containers_limit()
    {
        Assert.Equal(
            "killed by the kernel's OOM killer (SIGKILL, exit 137): restic reached the container's memory limit of 256 MiB (cgroup v2 memory.max) (restic had GOMEMLIMIT=203MiB); raise spec.runtimeSettings.container.resources.limits.memory",
            ResticFailure.KilledBySigkill(PlanIn(Limit256, setting: "spec.runtimeSettings.container.resources.limits.memory"), 3, 4, 137));
        Assert.Equal(
            "killed by the kernel's OOM killer (SIGKILL, exit 137): restic reached the container's memory limit of 256 MiB (cgroup v2 memory.max) (restic had GOGC=400 from the pod's environment); raise the container's memory limit",
            ResticFailure.KilledBySigkill(PlanIn(Limit256, new Dictionary<string, string> { ["GOGC"] = "400" }), 0, 1, 137));
        Assert.Equal(
            "killed by the kernel's OOM killer (SIGKILL, exit 137): the node ran out of memory (the container has no memory limit)",
            ResticFailure.KilledBySigkill(PlanIn(ContainerLimits.None), 7, 8, 137));
    }

    [Fact]
    public void A_sigkill_the_oom_count_did_not_see_or_could_not_see_is_not_blamed_on_memory()
    {
        Assert.Equal(
            "killed by SIGKILL (exit 137), not by the kernel's OOM killer (the memory cgroup's oom_kill count did not change) and not by the executor: another process or a person killed restic",
            ResticFailure.KilledBySigkill(PlanIn(Limit256), 2, 2, 137));
        Assert.Equal(
            "killed by SIGKILL (exit 137), not sent by the executor; the container's memory cgroup keeps no OOM-kill count here, so whether the kernel's OOM killer sent it is unknown",
            ResticFailure.KilledBySigkill(PlanIn(Limit256), null, 2, 137));
        Assert.Equal(
            "killed by SIGKILL (exit 137), not sent by the executor; the container's memory cgroup keeps no OOM-kill count here, so whether the kernel's OOM killer sent it is unknown",
            ResticFailure.KilledBySigkill(PlanIn(Limit256), 2, null, 137));
    }
}
