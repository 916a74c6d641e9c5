using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using static Stash.Restore.Core.Tests.Fakes.FakeRun;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Classification of restic's outcomes from output captured from real restic runs.</summary>
public sealed class ResticRestoreRunnerTests : IDisposable
{
    private const string Password = "runner-secret-pw";
    private readonly Fakes.CollectingSink _log = new();
    private readonly ManualTimeProvider _time = new();
    private readonly SecretMasker _masker = MaskerWith(Password);
    private readonly string _directory = Directory.CreateTempSubdirectory("runner-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static SecretMasker MaskerWith(string secret)
    {
        var masker = new SecretMasker();
        masker.Add(secret);
        return masker;
    }

    private static ResticPlan Plan(bool failOnMetadata = false, params ResticInvocation[] invocations)
    {
        var env = new Dictionary<string, string?> { ["RESTIC_PASSWORD"] = Password };
        if (invocations.Length == 0)
        {
            invocations =
            [
                new ResticInvocation("path /data of host host-7 (latest snapshot)", new ProcessSpec("/usr/bin/restic", ["restore", "latest"], env))
                {
                    Path = "/data",
                    Host = "host-7",
                },
            ];
        }
        return new ResticPlan("local:/repo", invocations)
        {
            ListSnapshots = new ProcessSpec("/usr/bin/restic", ["snapshots", "--json"], env),
            FailOnMetadataErrors = failOnMetadata,
        };
    }

    private ResticRestoreRunner Runner(FakeProcessRunner processes) => new(processes, _log.Logger(), _time, _masker);

    private async Task<RestoreFailedException> Fails(FakeProcessRunner processes, ResticPlan? plan = null)
    {
        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => Runner(processes).RunAsync(plan ?? Plan(), CancellationToken.None));
        Assert.DoesNotContain(Password, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(1, e.ExitCode);
        return e;
    }

    [Fact]
    public async Task Success_sums_json_summaries()
    {
        var processes = new FakeProcessRunner()
            .Then(new FakeRun(0, Err("repository 6f1a opened (version 2, compression level auto)"), Out("{\"message_type\":\"summary\",\"total_files\":41,\"files_restored\":2,\"files_skipped\":39,\"total_bytes\":5000000,\"bytes_restored\":5000000,\"bytes_skipped\":195000000}")))
            .Then(new FakeRun(0, Out("{\"message_type\":\"summary\",\"total_files\":4,\"files_restored\":4,\"total_bytes\":8,\"bytes_restored\":8}")));
        var env = new Dictionary<string, string?>();
        var plan = Plan(false,
            new ResticInvocation("path /a", new ProcessSpec("restic", ["a"], env)),
            new ResticInvocation("path /b", new ProcessSpec("restic", ["b"], env)));
        var summary = await Runner(processes).RunAsync(plan, CancellationToken.None);
        Assert.Equal(new ResticRestoreSummary(6, 39, 5000008, 0), summary);
        Assert.Equal(["a", "b"], processes.Calls.Select(c => c.Arguments[0]));
        Assert.Contains("restic: restored path /a: 2 files/dirs, 4.8 MiB", _log.Text, StringComparison.Ordinal);
        Assert.Contains("Information: restic: repository 6f1a opened (version 2, compression level auto)", _log.Lines);
    }

    [Fact]
    public async Task Text_summary_of_older_restic_is_parsed()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(0, Out("restoring <Snapshot 1a2b3c4d of [/data] at 2026-11-01 10:00:00 +0000 UTC by root@host-0> to /"), Out("Summary: Restored 5 files/dirs (1.000 KiB) in 0:00")));
        var summary = await Runner(processes).RunAsync(Plan(), CancellationToken.None);
        Assert.Equal(new ResticRestoreSummary(5, 0, 1024, 0), summary);
    }

    [Theory]
    [InlineData(10, "{\"message_type\":\"exit_error\",\"code\":10,\"message\":\"Fatal: repository does not exist: unable to open config file: stat /repo/config: no such file or directory\"}", "no repository at local:/repo (exit 10)")]
    [InlineData(1, "Fatal: unable to open config file: Stat: stat /repo/config: no such file or directory\nIs there a repository at the following location?", "no repository at local:/repo (exit 1)")]
    [InlineData(11, "{\"message_type\":\"exit_error\",\"code\":11,\"message\":\"Fatal: unable to create lock in backend: repository is already locked exclusively by PID 7 on host-0 by root (UID 0, GID 0)\"}", "is locked (exit 11)")]
    [InlineData(1, "Fatal: unable to create lock in backend: repository is already locked by PID 7", "restic unlock")]
    [InlineData(12, "{\"message_type\":\"exit_error\",\"code\":12,\"message\":\"Fatal: wrong password or no key found\"}", "wrong password for repository local:/repo (exit 12)")]
    [InlineData(1, "Fatal: wrong password or no key found", "wrong password for repository local:/repo (exit 1)")]
    [InlineData(130, "signal interrupt received, cleaning up", "interrupted (exit 130)")]
    [InlineData(137, "", "killed by SIGKILL (exit 137), not sent by the executor; the container's memory cgroup keeps no OOM-kill count here, so whether the kernel's OOM killer sent it is unknown")]
    [InlineData(139, "", "killed by signal 11 (exit 139)")]
    [InlineData(1, "Fatal: Load(<data/1a2b3c4d>, 0, 0) returned error, giving up: ciphertext verification failed", "failed: Load(<data/1a2b3c4d>, 0, 0) returned error, giving up: ciphertext verification failed")]
    [InlineData(3, "Fatal: some new failure", "restic exited with unexpected code 3: some new failure")]
    [InlineData(2, "", "restic exited with unexpected code 2")]
    public async Task Exit_codes_become_one_actionable_line(int exitCode, string stderr, string expected)
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(exitCode, stderr.Split('\n').Where(l => l.Length > 0).Select(Err).ToArray()));
        var e = await Fails(processes);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("restic restore of path /data of host host-7 (latest snapshot) from local:/repo failed: ", e.Message, StringComparison.Ordinal);
        if (expected.Contains("locked", StringComparison.Ordinal))
            Assert.Contains("restic list locks", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A plan whose container has a memory limit and an OOM-kill counter file (a sample cgroup file).</summary>
    private static ResticPlan PlanInContainer(string counterFile, long? limitMiB, IReadOnlyDictionary<string, string>? inherited = null, string? setting = null)
    {
        var limits = new ContainerLimits
        {
            Memory = limitMiB is { } m ? new MemoryLimit(m * 1024 * 1024, "cgroup v1 memory.limit_in_bytes") : null,
            OomKills = new OomKillCounter(counterFile),
        };
        var options = new ResticRestoreOptions("/", "/scratch", true, null, null)
        {
            Container = limits,
            InheritedGoVariables = inherited ?? new Dictionary<string, string>(),
            MemoryLimitSetting = setting,
        };
        return Plan() with
        {
            Options = options,
            GoRuntime = GoRuntimeEnvironment.Choose(limits, options.InheritedGoVariables, new Version(1, 24, 4)),
        };
    }

    /// <summary>restic "dies" by SIGKILL; <paramref name="oomKillsAfter"/> is what the cgroup counts by then.</summary>
    private static FakeProcessRunner KilledRestic(string counterFile, int oomKillsAfter) => new FakeProcessRunner().Then(_ =>
    {
        File.WriteAllText(counterFile, $"oom_kill_disable 0\nunder_oom 0\noom_kill {oomKillsAfter}\n");
        return new FakeRun(137, Err("repository 6f1a opened (version 2, compression level auto)"));
    });

    [Fact]
    public async Task An_oom_kill_names_the_containers_limit_restics_gomemlimit_and_the_setting_to_raise()
    {
        var counter = Path.Combine(_directory, "memory.oom_control");
        File.WriteAllText(counter, "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");

        var e = await Fails(KilledRestic(counter, 4), PlanInContainer(counter, 256, setting: "spec.runtimeSettings.container.resources.limits.memory of the RestoreSession"));

        Assert.EndsWith(
            "failed: killed by the kernel's OOM killer (SIGKILL, exit 137): restic reached the container's memory limit of 256 MiB (cgroup v1 memory.limit_in_bytes) "
            + "(restic had GOMEMLIMIT=203MiB); raise spec.runtimeSettings.container.resources.limits.memory of the RestoreSession",
            e.Message, StringComparison.Ordinal);
        Assert.Contains("Information: restic gets GOMEMLIMIT=203MiB: the container's memory limit of 256 MiB", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oom_kill_with_the_pods_own_gogc_names_it()
    {
        var counter = Path.Combine(_directory, "memory.events");
        File.WriteAllText(counter, "oom 0\noom_kill 0\n");

        var e = await Fails(KilledRestic(counter, 1), PlanInContainer(counter, 64, new Dictionary<string, string> { ["GOGC"] = "400" }));

        Assert.EndsWith(
            "restic reached the container's memory limit of 64 MiB (cgroup v1 memory.limit_in_bytes) (restic had GOGC=400 from the pod's environment); raise the container's memory limit",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oom_kill_without_a_container_limit_says_the_node_ran_out()
    {
        var counter = Path.Combine(_directory, "memory.events");
        File.WriteAllText(counter, "oom_kill 7\n");

        var e = await Fails(KilledRestic(counter, 8), PlanInContainer(counter, limitMiB: null));

        Assert.EndsWith("failed: killed by the kernel's OOM killer (SIGKILL, exit 137): the node ran out of memory (the container has no memory limit)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sigkill_the_oom_counter_did_not_see_is_not_blamed_on_memory()
    {
        var counter = Path.Combine(_directory, "memory.oom_control");
        File.WriteAllText(counter, "oom_kill 2\n");

        var e = await Fails(KilledRestic(counter, 2), PlanInContainer(counter, 256));

        Assert.EndsWith(
            "failed: killed by SIGKILL (exit 137), not by the kernel's OOM killer (the memory cgroup's oom_kill count did not change) and not by the executor: another process or a person killed restic",
            e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("memory limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_snapshot_lists_filters_and_existing_snapshots()
    {
        const string snapshots = """
            [{"time":"2026-11-01T10:00:00Z","paths":["/data"],"hostname":"host-0","id":"1a2b3c4d5e6f70811a2b3c4d5e6f70811a2b3c4d5e6f70811a2b3c4d5e6f7081","short_id":"1a2b3c4d"},
             {"time":"2026-11-02T11:30:00.123456+01:00","paths":["/var/lib/app","/etc"],"hostname":"host-1","id":"9f8e7d6c00000000000000000000000000000000000000000000000000000000"}]
            """;
        var processes = new FakeProcessRunner()
            .Then(new FakeRun(1, Err("{\"message_type\":\"exit_error\",\"code\":1,\"message\":\"Fatal: failed to find snapshot: snapshot filter (Paths:[/data] Tags:[] Hosts:[host-7]): no snapshot found\"}")))
            .Then(new FakeRun(0, snapshots.Split('\n').Select(Out).ToArray()));
        var e = await Fails(processes);
        Assert.Equal(
            "restic restore of path /data of host host-7 (latest snapshot) from local:/repo failed: no snapshot of host \"host-7\" with path \"/data\" in repository local:/repo; snapshots: 9f8e7d6c host-1 [/var/lib/app /etc] 2026-11-02T10:30:00Z, 1a2b3c4d host-0 [/data] 2026-11-01T10:00:00Z",
            e.Message);
        Assert.Equal(["snapshots", "--json"], processes.Calls[1].Arguments);
    }

    [Fact]
    public async Task No_matching_snapshot_id_lists_snapshots()
    {
        var env = new Dictionary<string, string?>();
        var plan = Plan(false, new ResticInvocation("snapshot deadbeef", new ProcessSpec("restic", ["restore", "deadbeef"], env)) { SnapshotId = "deadbeef" });
        var processes = new FakeProcessRunner()
            .Then(new FakeRun(1, Err("Fatal: failed to find snapshot: no matching ID found for prefix \"deadbeef\"")))
            .Then(new FakeRun(0, Out("[]")));
        var e = await Fails(processes, plan);
        Assert.EndsWith("no snapshot with id \"deadbeef\" in repository local:/repo; the repository has no snapshots", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_errors_fail_even_when_metadata_errors_are_tolerated()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(1,
            Err("{\"message_type\":\"error\",\"error\":{\"message\":\"lchown /t/data/a: operation not permitted\"},\"during\":\"restore\",\"item\":\"/data/a\"}"),
            Err("{\"message_type\":\"error\",\"error\":{\"message\":\"open /t/data/b: no space left on device\"},\"during\":\"restore\",\"item\":\"/data/b\"}"),
            Out("{\"message_type\":\"summary\",\"total_files\":2,\"files_restored\":1,\"total_bytes\":8,\"bytes_restored\":4}"),
            Err("{\"message_type\":\"exit_error\",\"code\":1,\"message\":\"Fatal: There were 2 errors\\n\"}")));
        var e = await Fails(processes);
        Assert.EndsWith("failed: 1 error(s) on 1 path(s) (first: /data/b: open /t/data/b: no space left on device); 1 ownership/permission error(s)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Error: restic: could not restore: /data/b: open /t/data/b: no space left on device", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verify_mismatch_fails_with_the_file_named()
    {
        // restic --verify reports a mismatch through its error channel (restorer.VerifyFiles → res.Error), then exits 1.
        var processes = new FakeProcessRunner().Then(new FakeRun(1,
            Out("{\"message_type\":\"summary\",\"total_files\":3,\"files_restored\":3,\"total_bytes\":12,\"bytes_restored\":12}"),
            Err("{\"message_type\":\"error\",\"error\":{\"message\":\"Unexpected content in /t/data/db.json, starting at offset 0\"},\"during\":\"restore\",\"item\":\"/t/data/db.json\"}"),
            Err("{\"message_type\":\"exit_error\",\"code\":1,\"message\":\"Fatal: There were 1 errors\\n\"}")));
        var e = await Fails(processes);
        Assert.Contains("/t/data/db.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("Unexpected content", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_only_errors_are_warnings_by_default()
    {
        FakeRun Run() => new(1,
            Err("ignoring error for /data/a: lchown /t/data/a: operation not permitted"),
            Err("ignoring error for /data/b: chmod /t/data/b: operation not permitted"),
            Out("{\"message_type\":\"summary\",\"total_files\":2,\"files_restored\":2,\"total_bytes\":8,\"bytes_restored\":8}"),
            Err("Fatal: There were 2 errors"));
        var summary = await Runner(new FakeProcessRunner().Then(Run())).RunAsync(Plan(), CancellationToken.None);
        Assert.Equal(new ResticRestoreSummary(2, 0, 8, 2), summary);
        Assert.Contains("Warning: restic: could not restore ownership/permissions: /data/a: lchown /t/data/a: operation not permitted", _log.Text, StringComparison.Ordinal);

        var e = await Fails(new FakeProcessRunner().Then(Run()), Plan(failOnMetadata: true));
        Assert.EndsWith("failed: 2 ownership/permission error(s)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_in_restic_output_are_masked_in_log_and_exception()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(1,
            Err($"Fatal: unable to open repository at rest:http://user:{Password}@127.0.0.1:1/: connection refused")));
        var e = await Fails(processes);
        Assert.Contains("rest:http://user:***@127.0.0.1:1/", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _log.Text, StringComparison.Ordinal);
        Assert.Contains("user:***@127.0.0.1", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_status_line_reaches_the_progress_receiver_and_none_is_logged()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(0,
            Out("""{"message_type":"status","seconds_elapsed":1,"percent_done":0.25,"total_files":8,"files_restored":2,"files_skipped":3,"total_bytes":4000,"bytes_restored":1000,"bytes_skipped":500}"""),
            Out("""{"message_type":"status","seconds_elapsed":2,"percent_done":0.5,"total_files":8,"files_restored":4,"total_bytes":4000,"bytes_restored":2000}"""),
            Out("""{"message_type":"summary","seconds_elapsed":3,"total_files":8,"files_restored":7,"files_skipped":1,"total_bytes":4000,"bytes_restored":3500,"bytes_skipped":500}""")));
        var received = new List<ResticMessage.Status>();

        await Runner(processes).RunAsync(Plan(), new SynchronousProgress<ResticMessage.Status>(received.Add), CancellationToken.None);

        // restic's last status line came before its last bytes: the call's progress ends on the summary's figures.
        Assert.Equal(
            [(1.0, 0.25, 8L, 2L, 4000L, 1000L, 3L, 500L, false), (2.0, 0.5, 8L, 4L, 4000L, 2000L, 0L, 0L, false), (3.0, 1.0, 8L, 7L, 4000L, 3500L, 1L, 500L, true)],
            received.Select(s => (s.SecondsElapsed!.Value, s.PercentDone, s.TotalFiles, s.FilesRestored, s.TotalBytes, s.BytesRestored, s.FilesSkipped, s.BytesSkipped, s.Final)));
        // The engine throttles and the family decides where progress goes; the runner logs none of it.
        Assert.DoesNotContain(_log.Lines, l => l.Contains("percent", StringComparison.OrdinalIgnoreCase) || l.Contains("25", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Per_entry_lines_count_files_apart_from_directories_as_found_on_disk()
    {
        // restic 0.18 --json -vv for a tree of 5 files (one empty) and a symlink in 4 directories, restored under target.
        var target = Directory.CreateTempSubdirectory("runner-entries-").FullName;
        try
        {
            foreach (var dir in new[] { "src", "src/a", "src/a/b", "src/c" })
                Directory.CreateDirectory(Path.Combine(target, dir));
            foreach (var file in new[] { "src/x", "src/a/y", "src/a/b/z", "src/c/w" })
                File.WriteAllText(Path.Combine(target, file), "hi\n");
            File.WriteAllText(Path.Combine(target, "src/c/empty"), "");
            File.CreateSymbolicLink(Path.Combine(target, "src/link"), "a");
            string[] lines =
            [
                """{"message_type":"verbose_status","action":"restored","item":"/src/a/b/z","size":3}""",
                """{"message_type":"verbose_status","action":"restored","item":"/src/a/y","size":3}""",
                """{"message_type":"verbose_status","action":"updated","item":"/src/c/w","size":3}""",
                """{"message_type":"verbose_status","action":"restored","item":"/src/c/empty","size":0}""",
                """{"message_type":"verbose_status","action":"unchanged","item":"/src/x","size":3}""",
                """{"message_type":"verbose_status","action":"restored","item":"/src/a/b","size":0}""",
                """{"message_type":"verbose_status","action":"restored","item":"/src/a","size":0}""",
                """{"message_type":"verbose_status","action":"restored","item":"/src/c","size":0}""",
                """{"message_type":"verbose_status","action":"restored","item":"/src/link","size":0}""",
                """{"message_type":"verbose_status","action":"restored","item":"/src","size":0}""",
                """{"message_type":"summary","total_files":10,"files_restored":9,"files_skipped":1,"total_bytes":12,"bytes_restored":9,"bytes_skipped":3}""",
            ];
            var processes = new FakeProcessRunner().Then(new FakeRun(0, [.. lines.Select(Out)]));
            var plan = Plan() with
            {
                Invocations = [Plan().Invocations[0] with { ReportsItems = true }],
                Options = new ResticRestoreOptions(target, "/tmp/scratch", true, null, null),
            };

            var summary = await Runner(processes).RunAsync(plan, CancellationToken.None);

            Assert.Equal(new ResticRestoreSummary(5, 1, 9, 0) { DirectoriesRestored = 4 }, summary);
            Assert.Contains("restic: restored path /data of host host-7 (latest snapshot): 5 files, 4 dirs, 9 B", _log.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("/src/a/y", _log.Text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task Restic_016_counts_directories_with_files_so_the_restored_snapshot_is_listed_and_counted_on_disk()
    {
        var target = Directory.CreateTempSubdirectory("runner-016-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(target, "data/a"));
            File.WriteAllText(Path.Combine(target, "data/x"), "12345");
            File.WriteAllText(Path.Combine(target, "data/a/y"), "123");
            var processes = new FakeProcessRunner()
                // 0.16 --json: totals only (3 entries: data/a, x, y — plus data itself), no "restoring <Snapshot …>" line.
                .Then(new FakeRun(0, Out("""{"message_type":"summary","seconds_elapsed":0,"total_files":4,"files_restored":4,"total_bytes":8,"bytes_restored":8}""")))
                .Then(new FakeRun(0, Out("""[{"time":"2026-11-01T10:00:00Z","hostname":"host-7","paths":["/data"],"id":"1111111111111111111111111111111111111111111111111111111111111111","short_id":"11111111"},{"time":"2026-11-02T10:00:00Z","hostname":"host-7","paths":["/data"],"id":"2222222222222222222222222222222222222222222222222222222222222222","short_id":"22222222"},{"time":"2026-11-03T10:00:00Z","hostname":"host-8","paths":["/data"],"id":"3333333333333333333333333333333333333333333333333333333333333333","short_id":"33333333"}]""")))
                .Then(new FakeRun(0,
                    Out("""{"time":"2026-11-02T10:00:00Z","paths":["/data"],"hostname":"host-7","id":"2222","struct_type":"snapshot"}"""),
                    Out("""{"name":"data","type":"dir","path":"/data","struct_type":"node"}"""),
                    Out("""{"name":"a","type":"dir","path":"/data/a","struct_type":"node"}"""),
                    Out("""{"name":"y","type":"file","path":"/data/a/y","size":3,"struct_type":"node"}"""),
                    Out("""{"name":"x","type":"file","path":"/data/x","size":5,"struct_type":"node"}""")));
            var plan = Plan() with
            {
                Installation = new ResticInstallation("/usr/bin/restic", new Version(0, 16, 4)),
                Options = new ResticRestoreOptions(target, "/tmp/scratch", true, null, null),
            };

            var summary = await Runner(processes).RunAsync(plan, CancellationToken.None);

            Assert.Equal(new ResticRestoreSummary(2, 0, 8, 0) { DirectoriesRestored = 2 }, summary);
            // The newest snapshot of host-7 with /data is the one restic restored and the one listed.
            Assert.Equal(["ls", "--json", "2222222222222222222222222222222222222222222222222222222222222222"], processes.Calls[2].Arguments);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task Without_per_entry_lines_restics_count_is_said_to_hold_files_and_dirs_together()
    {
        var processes = new FakeProcessRunner().Then(new FakeRun(0, Out("""{"message_type":"summary","total_files":9,"files_restored":9,"total_bytes":15,"bytes_restored":15}""")));
        var summary = await Runner(processes).RunAsync(Plan(), CancellationToken.None);
        Assert.Null(summary.DirectoriesRestored);
        Assert.Contains(": 9 files/dirs, 15 B", _log.Text, StringComparison.Ordinal);
    }

    /// <summary>Calls back on the reporting thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_a_restic_failure()
    {
        using var cts = new CancellationTokenSource();
        var processes = new FakeProcessRunner().Then(_ =>
        {
            cts.Cancel();
            return new FakeRun(130, Err("signal interrupt received, cleaning up"));
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Runner(processes).RunAsync(Plan(), cts.Token));
    }

    [Fact]
    public async Task Errors_are_counted_as_errors_and_the_paths_they_concern_apart()
    {
        // restic reports every blob of a file it cannot write: three errors, one file.
        var processes = new FakeProcessRunner().Then(new FakeRun(1,
            Err("{\"message_type\":\"error\",\"error\":{\"message\":\"open /t/data/b: permission denied\"},\"during\":\"restore\",\"item\":\"/data/b\"}"),
            Err("{\"message_type\":\"error\",\"error\":{\"message\":\"open /t/data/b: permission denied\"},\"during\":\"restore\",\"item\":\"/data/b\"}"),
            Err("{\"message_type\":\"error\",\"error\":{\"message\":\"open /t/data/b: permission denied\"},\"during\":\"restore\",\"item\":\"/data/b\"}"),
            Err("{\"message_type\":\"exit_error\",\"code\":1,\"message\":\"Fatal: There were 3 errors\\n\"}")));
        var e = await Fails(processes);
        Assert.EndsWith("failed: 3 error(s) on 1 path(s) (first: /data/b: open /t/data/b: permission denied)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("file(s)", e.Message, StringComparison.Ordinal);
    }

    private ResticPlan SpaceCheckedPlan(bool skip)
    {
        var plan = Plan();
        return plan with
        {
            ChecksSpace = true,
            Options = new ResticRestoreOptions(Path.Combine(_directory, "target"), Path.Combine(_directory, "scratch"), false, null, null) { SkipSpaceCheck = skip },
        };
    }

    private static string SnapshotList(long bytes) =>
        $"[{{\"time\":\"2026-12-06T07:22:15Z\",\"paths\":[\"/data\"],\"hostname\":\"host-7\",\"id\":\"68b6a287aa\",\"short_id\":\"68b6a287\",\"summary\":{{\"total_bytes_processed\":{bytes}}}}}]";

    [Fact]
    public async Task A_snapshot_larger_than_the_targets_free_space_is_refused_before_restic_restores()
    {
        const long huge = 1L << 60;
        var processes = new FakeProcessRunner().Then(new FakeRun(0, Out(SnapshotList(huge))));

        var e = await Fails(processes, SpaceCheckedPlan(skip: false));

        Assert.Equal(["snapshots", "--json"], Assert.Single(processes.Calls).Arguments);
        Assert.Matches(@"^restore from local:/repo refused: not enough space in the target: the filesystem mounted at /\S* has [\d.]+ [KMGT]?i?B free; the restore needs 1048576\.0 TiB \(snapshot 68b6a287: 1048576\.0 TiB\); nothing was written; --skip-space-check restores anyway$", e.Message);
    }

    [Fact]
    public async Task With_skip_space_check_restic_runs_and_no_space_left_names_the_figures_read_before()
    {
        const long huge = 1L << 60;
        var processes = new FakeProcessRunner()
            .Then(new FakeRun(0, Out(SnapshotList(huge))))
            .Then(new FakeRun(1,
                Err("{\"message_type\":\"error\",\"error\":{\"message\":\"write /t/data/b: no space left on device\"},\"during\":\"restore\",\"item\":\"/data/b\"}"),
                Err("{\"message_type\":\"exit_error\",\"code\":1,\"message\":\"Fatal: There were 1 errors\\n\"}")));

        var e = await Fails(processes, SpaceCheckedPlan(skip: true));

        Assert.Equal(2, processes.Calls.Count);
        Assert.Matches(@"failed: 1 error\(s\) on 1 path\(s\) \(first: /data/b: write /t/data/b: no space left on device\); no space left on device: before the restore the filesystem mounted at /\S* has [\d.]+ [KMGT]?i?B free; the restore needs 1048576\.0 TiB$", e.Message);
        Assert.Contains("--skip-space-check: restoring anyway", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_that_fits_is_restored_after_the_check_says_so()
    {
        var processes = new FakeProcessRunner()
            .Then(new FakeRun(0, Out(SnapshotList(1024))))
            .Then(new FakeRun(0, Out("{\"message_type\":\"summary\",\"total_files\":1,\"files_restored\":1,\"total_bytes\":1024,\"bytes_restored\":1024}")));

        await Runner(processes).RunAsync(SpaceCheckedPlan(skip: false), CancellationToken.None);

        Assert.Equal(2, processes.Calls.Count);
        Assert.Matches(@"Space check: the filesystem mounted at /\S* has [\d.]+ [KMGT]?i?B free; the restore needs 1\.0 KiB", _log.Text);
    }
}
