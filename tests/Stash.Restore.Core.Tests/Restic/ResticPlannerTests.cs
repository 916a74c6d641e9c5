using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Restic;

public sealed class ResticPlannerTests : IDisposable
{
    private const string Password = "planner-pw-123";
    private readonly string _scratch = Directory.CreateTempSubdirectory("stash-planner-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static readonly Repository LocalRepo = new()
    {
        Metadata = new ObjectMeta { Name = "local-repo", Namespace = "demo" },
        Spec = new RepositorySpec { Backend = new BackendSpec { Local = new LocalSpec { MountPath = "/safe/data", SubPath = "demo" } } },
    };

    private static readonly Dictionary<string, string> Secret = new() { ["RESTIC_PASSWORD"] = Password };

    private ResticRestoreOptions Options(bool cache = true, bool resume = false, bool verify = false) =>
        new("/", _scratch, cache, null, null, resume, verify);

    private static ResticInstallation Restic(string version) => new("/usr/bin/restic", Version.Parse(version));

    private static ResticPlan Plan(ResolvedRule rule, Repository repository, Dictionary<string, string> secret, ResticRestoreOptions options, ResticInstallation restic) =>
        ResticPlanner.Plan(StashRestoreRequest.For(rule, repository, secret), options, restic);

    private static ResolvedRule Paths(params string[] paths) =>
        new(0, new RestoreRule { Paths = [.. paths], Include = ["/data/keep*"], Exclude = ["*.tmp"] }, "host-3");

    public static TheoryData<string, bool, string[]> Matrix => new()
    {
        // version, resume, restore flags after --host
        { "0.14.0", false, ["--target", "/", "--include", "/data/keep*", "--exclude", "*.tmp", "--verify"] },
        { "0.14.0", true, ["--target", "/", "--include", "/data/keep*", "--exclude", "*.tmp", "--verify"] },
        { "0.16.4", true, ["--target", "/", "--include", "/data/keep*", "--exclude", "*.tmp", "--verify", "--json"] },
        { "0.17.3", false, ["--target", "/", "--include", "/data/keep*", "--exclude", "*.tmp", "--verify", "--json", "-vv"] },
        { "0.17.3", true, ["--target", "/", "--include", "/data/keep*", "--exclude", "*.tmp", "--overwrite", "if-changed", "--verify", "--json", "-vv"] },
        { "0.18.0", true, ["--target", "/", "--include", "/data/keep*", "--exclude", "*.tmp", "--overwrite", "if-changed", "--verify", "--json", "-vv"] },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Argv_by_restic_version(string version, bool resume, string[] flags)
    {
        var plan = Plan(Paths("/data"), LocalRepo, Secret, Options(resume: resume, verify: true), Restic(version));
        var call = Assert.Single(plan.Invocations);
        string[] expected =
        [
            "restore", "latest", "--path", "/data", "--host", "host-3", .. flags,
            "--cache-dir", Path.Combine(_scratch, "restic-cache"),
        ];
        Assert.Equal(expected, call.Process.Arguments);
        Assert.Equal("/usr/bin/restic", call.Process.FileName);
    }

    [Fact]
    public void Extra_arguments_follow_the_include_and_exclude_patterns_as_Stash_places_them()
    {
        var request = StashRestoreRequest.For(Paths("/data"), LocalRepo, Secret) with { ExtraArguments = ["--no-lock", "--sparse"] };
        var call = Assert.Single(ResticPlanner.Plan(request, Options(), Restic("0.18.0")).Invocations);
        string[] expected =
        [
            "restore", "latest", "--path", "/data", "--host", "host-3", "--target", "/", "--include", "/data/keep*", "--exclude", "*.tmp",
            "--no-lock", "--sparse", "--json", "-vv", "--cache-dir", Path.Combine(_scratch, "restic-cache"),
        ];
        Assert.Equal(expected, call.Process.Arguments);
    }

    [Theory]
    [InlineData("0.14.0", null, false)]
    [InlineData("0.16.4", "2", false)]
    [InlineData("0.17.0", "2", true)]
    [InlineData("0.18.0", "2", true)]
    public void Json_restores_get_status_twice_a_second_and_per_entry_lines_where_restic_has_them(string version, string? fps, bool reportsItems)
    {
        var plan = Plan(Paths("/data"), LocalRepo, Secret, Options(), Restic(version));
        var call = Assert.Single(plan.Invocations);
        // Unset, restic ≥ 0.16 with --json prints 60 status lines a second (cmd/restic/progress.go calculateProgressInterval).
        Assert.Equal(fps, call.Process.Environment.GetValueOrDefault("RESTIC_PROGRESS_FPS"));
        Assert.Equal(reportsItems, call.ReportsItems);
        Assert.Equal(reportsItems, call.Process.Arguments.Contains("-vv"));
    }

    [Fact]
    public void One_call_per_path_in_order_with_environment_and_scratch()
    {
        var plan = Plan(Paths("/data", "/var/lib/app data"), LocalRepo, Secret, Options(), Restic("0.18.0"));
        Assert.Equal(2, plan.Invocations.Count);
        Assert.Equal("/data", plan.Invocations[0].Path);
        Assert.Equal("/var/lib/app data", plan.Invocations[1].Path);
        Assert.Equal("/var/lib/app data", plan.Invocations[1].Process.Arguments[3]);
        Assert.Equal("host-3", plan.Invocations[1].Host);
        var env = plan.Invocations[0].Process.Environment;
        Assert.Equal("/safe/data/demo", env["RESTIC_REPOSITORY"]);
        Assert.Equal(Password, env["RESTIC_PASSWORD"]);
        Assert.Equal(Path.Combine(_scratch, "tmp"), env["TMPDIR"]);
        Assert.Equal([Path.Combine(_scratch, "tmp"), Path.Combine(_scratch, "restic-cache")], plan.ScratchDirectories);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch));
        Assert.Equal(["snapshots", "--json", "--cache-dir", Path.Combine(_scratch, "restic-cache")], plan.ListSnapshots!.Arguments);
        Assert.Equal("local:/safe/data/demo", plan.RepositoryDisplay);
        Assert.All(plan.Invocations, i => Assert.DoesNotContain(Password, i.Process.Arguments));
    }

    [Fact]
    public void Every_call_gets_the_go_runtime_variables_for_the_containers_limits_and_restic_is_the_oom_killers_first_choice()
    {
        var limits = new ContainerLimits
        {
            Memory = new MemoryLimit(256L * 1024 * 1024, "cgroup v2 memory.max"),
            Cpu = new CpuQuota(50000, 100000, "cgroup v2 cpu.max"),
        };
        var restic = Restic("0.18.0") with { GoVersion = new Version(1, 24, 4) };

        var plan = Plan(Paths("/data", "/etc"), LocalRepo, Secret, Options() with { Container = limits }, restic);

        Assert.Equal(new Dictionary<string, string> { ["GOMEMLIMIT"] = "203MiB", ["GOMAXPROCS"] = "1" }, plan.GoRuntime.Variables);
        Assert.All(plan.Invocations.Select(i => i.Process).Append(plan.ListSnapshots!), process =>
        {
            Assert.Equal("203MiB", process.Environment["GOMEMLIMIT"]);
            Assert.Equal("1", process.Environment["GOMAXPROCS"]);
        });
        Assert.All(plan.Invocations, i => Assert.Equal(ResticPlanner.ResticOomScoreRaise, i.Process.OomScoreRaise));

        // The pod's own GOGC: neither variable is set (restic inherits the pod's); GOMAXPROCS still is.
        var own = Plan(Paths("/data"), LocalRepo, Secret, Options() with { Container = limits, InheritedGoVariables = new Dictionary<string, string> { ["GOGC"] = "50" } }, restic);
        Assert.False(own.Invocations[0].Process.Environment.ContainsKey("GOMEMLIMIT"));
        Assert.False(own.Invocations[0].Process.Environment.ContainsKey("GOGC"));
        Assert.Equal("1", own.Invocations[0].Process.Environment["GOMAXPROCS"]);
    }

    [Fact]
    public void Snapshots_by_id_or_stash_snapshot_name_and_no_cache()
    {
        var rule = new ResolvedRule(1, new RestoreRule { Snapshots = ["local-repo-1a2b3c4d", "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0", "ab12cd34"] }, "host-0");
        var plan = Plan(rule, LocalRepo, Secret, Options(cache: false) with { TargetDirectory = "/tmp/inspect" }, Restic("0.17.0"));
        Assert.Equal(["restore", "1a2b3c4d", "--target", "/tmp/inspect", "--json", "-vv", "--no-cache"], plan.Invocations[0].Process.Arguments);
        Assert.Equal("1a2b3c4d", plan.Invocations[0].SnapshotId);
        Assert.Equal("9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0", plan.Invocations[1].Process.Arguments[1]);
        Assert.Equal("ab12cd34", plan.Invocations[2].Process.Arguments[1]);
        Assert.DoesNotContain("--host", plan.Invocations[0].Process.Arguments);
        Assert.False(Directory.Exists(Path.Combine(_scratch, "restic-cache")));
    }

    [Fact]
    public void Priority_is_carried_to_every_call()
    {
        var priority = new ProcessPriority(10, 2, 7);
        var plan = Plan(Paths("/a", "/b"), LocalRepo, Secret, Options() with { Priority = priority }, Restic("0.18.0"));
        Assert.All(plan.Invocations, i => Assert.Equal(priority, i.Process.Priority));
        Assert.Null(plan.ListSnapshots!.Priority);
    }

    [Fact]
    public void Rules_that_cannot_work_are_invalid_input()
    {
        Assert.Throws<InvalidInputException>(() => Plan(Paths("relative/path"), LocalRepo, Secret, Options(), Restic("0.18.0")));
        Assert.Throws<InvalidInputException>(() => Plan(new ResolvedRule(2, new RestoreRule(), "h"), LocalRepo, Secret, Options(), Restic("0.18.0")));
        var both = Assert.Throws<InvalidInputException>(() => Plan(new ResolvedRule(4, new RestoreRule { Paths = ["/a"], Snapshots = ["1a2b3c4d"] }, "h"), LocalRepo, Secret, Options(), Restic("0.18.0")));
        Assert.Contains("rule 4", both.Message, StringComparison.Ordinal);
        var noHost = Assert.Throws<InvalidInputException>(() => Plan(new ResolvedRule(5, new RestoreRule { Paths = ["/a"] }, ""), LocalRepo, Secret, Options(), Restic("0.18.0")));
        Assert.Contains("rule 5: no source host", noHost.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Backends => new() { "local", "s3", "gcs", "azure", "swift", "b2", "rest" };

    [Theory]
    [MemberData(nameof(Backends))]
    public void No_secret_value_reaches_argv_for_any_backend(string kind)
    {
        var backend = kind switch
        {
            "local" => new BackendSpec { Local = new LocalSpec { MountPath = "/r" } },
            "s3" => new BackendSpec { S3 = new S3Spec { Endpoint = "https://minio:9000", Bucket = "b", InsecureTLS = true } },
            "gcs" => new BackendSpec { Gcs = new GcsSpec { Bucket = "b", MaxConnections = 4 } },
            "azure" => new BackendSpec { Azure = new AzureSpec { Container = "c", MaxConnections = 4 } },
            "swift" => new BackendSpec { Swift = new SwiftSpec { Container = "c" } },
            "b2" => new BackendSpec { B2 = new B2Spec { Bucket = "b", MaxConnections = 4 } },
            _ => new BackendSpec { Rest = new RestServerSpec { Url = "https://rest:8000/" } },
        };
        var secret = new Dictionary<string, string>
        {
            ["RESTIC_PASSWORD"] = "sv-restic-password",
            // An access key id is an identifier (SecretKeyClassifier): shown, so not an "sv-" value.
            ["AWS_ACCESS_KEY_ID"] = "id-aws-access-key-id",
            ["AWS_SECRET_ACCESS_KEY"] = "sv-aws-secret-access-key",
            ["GOOGLE_SERVICE_ACCOUNT_JSON_KEY"] = "{\"private_key\":\"sv-google-key\"}",
            ["AZURE_ACCOUNT_KEY"] = "sv-azure-account-key",
            ["B2_ACCOUNT_KEY"] = "sv-b2-account-key",
            ["OS_PASSWORD"] = "sv-os-password",
            ["ST_KEY"] = "sv-st-key",
            ["REST_SERVER_USERNAME"] = "user",
            ["REST_SERVER_PASSWORD"] = "sv-rest-password",
            ["CA_CERT_DATA"] = "-----BEGIN CERTIFICATE-----\nsv-ca\n-----END CERTIFICATE-----",
        };
        var repository = LocalRepo with { Spec = new RepositorySpec { Backend = backend } };
        var plan = Plan(Paths("/data"), repository, secret, Options(), Restic("0.18.0"));
        var argv = plan.Invocations.SelectMany(i => i.Process.Arguments).Concat(plan.ListSnapshots!.Arguments).ToList();
        Assert.DoesNotContain(argv, a => a.Contains("sv-", StringComparison.Ordinal));
        Assert.DoesNotContain("sv-", plan.RepositoryDisplay, StringComparison.Ordinal);
        Assert.Contains("--cacert", argv);
        var env = plan.Invocations[0].Process.Environment;
        // Every secret value the backend passes to restic is masked once the Secret is registered where it is read.
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/creds", secret);
        var passed = env.Values.OfType<string>().Where(v => v.Contains("sv-", StringComparison.Ordinal)).ToList();
        Assert.Contains("sv-restic-password", passed);
        if (kind == "rest")
            Assert.Contains(passed, v => v.Contains("sv-rest-password", StringComparison.Ordinal));
        foreach (var value in passed)
            Assert.DoesNotContain("sv-", masker.Apply($"restic said: {value}"), StringComparison.Ordinal);
    }

    [Fact]
    public void Planning_writes_nothing_and_the_workspace_removes_credential_files()
    {
        var gcs = LocalRepo with { Spec = new RepositorySpec { Backend = new BackendSpec { Gcs = new GcsSpec { Bucket = "b" } } } };
        var secret = new Dictionary<string, string>(Secret) { ["GOOGLE_SERVICE_ACCOUNT_JSON_KEY"] = "{\"k\":1}" };
        var plan = Plan(Paths("/a"), gcs, secret, Options(), Restic("0.18.0"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch));

        var file = plan.Invocations[0].Process.Environment["GOOGLE_APPLICATION_CREDENTIALS"]!;
        using (ResticWorkspace.Prepare(plan))
        {
            Assert.Equal("{\"k\":1}", File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
            Assert.True(Directory.Exists(Path.Combine(_scratch, "tmp")));
            Assert.True(Directory.Exists(Path.Combine(_scratch, "restic-cache")));
        }
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void A_snapshots_contents_are_listed_as_the_call_chooses_its_snapshot_with_the_plans_repository_and_cache()
    {
        var plan = Plan(Paths("/data"), LocalRepo, Secret, Options(), Restic("0.16.4"));
        var cache = Path.Combine(_scratch, "restic-cache");

        var latest = ResticPlanner.ListContents(plan, plan.Invocations[0]);
        var byId = ResticPlanner.ListContents(plan, "2222222222222222222222222222222222222222222222222222222222222222");

        Assert.Equal(["ls", "--json", "latest", "--path", "/data", "--host", "host-3", "--cache-dir", cache], latest.Arguments);
        Assert.Equal(["ls", "--json", "2222222222222222222222222222222222222222222222222222222222222222", "--cache-dir", cache], byId.Arguments);
        Assert.All(new[] { latest, byId }, ls =>
        {
            Assert.Equal("/usr/bin/restic", ls.FileName);
            Assert.Equal(plan.ListSnapshots!.Environment, ls.Environment);
            Assert.Equal(Password, ls.Environment["RESTIC_PASSWORD"]);
            Assert.Equal(ResticPlanner.ResticStopWithin, ls.StopWithin);
            Assert.DoesNotContain(Password, ls.Arguments);
        });
    }

    [Fact]
    public void A_previews_listing_of_a_snapshot_call_takes_no_cache_and_no_lock()
    {
        var rule = new ResolvedRule(0, new RestoreRule { Snapshots = ["local-repo-1a2b3c4d"] }, "host-0");
        var plan = Plan(rule, LocalRepo, Secret, Options().ForPreview(), Restic("0.18.0"));

        Assert.Equal(["ls", "--json", "1a2b3c4d", "--no-cache", "--no-lock"], ResticPlanner.ListContents(plan, plan.Invocations[0]).Arguments);
    }

    [Fact]
    public void A_plan_without_a_snapshot_listing_cannot_list_contents()
    {
        var plan = Plan(Paths("/data"), LocalRepo, Secret, Options(), Restic("0.18.0")) with { ListSnapshots = null };
        Assert.Throws<InvalidOperationException>(() => ResticPlanner.ListContents(plan, "1a2b3c4d"));
    }

    [Fact]
    public void Version_and_options_probes_run_restic_alone_with_no_environment_of_their_own()
    {
        var version = ResticPlanner.Version("/opt/restic");
        var options = ResticPlanner.Options("/opt/restic");

        Assert.Equal("/opt/restic", version.FileName);
        Assert.Equal(["version"], version.Arguments);
        Assert.Equal("/opt/restic", options.FileName);
        Assert.Equal(["options"], options.Arguments);
        Assert.Empty(version.Environment);
        Assert.Empty(options.Environment);
    }

    [Fact]
    public void A_mirror_path_call_ends_with_delete_kept_inside_its_path()
    {
        var plan = Plan(new ResolvedRule(0, new RestoreRule { Paths = ["/data"] }, "host-3"), LocalRepo, Secret, Options() with { TargetDirectory = "/tmp/t", Mirror = true }, Restic("0.18.0"));
        var call = Assert.Single(plan.Invocations);

        Assert.Equal(
            ["restore", "latest", "--path", "/data", "--host", "host-3", "--target", "/tmp/t", "--json", "-vv", "--cache-dir", Path.Combine(_scratch, "restic-cache"), "--delete", "--include", "/data"],
            call.Process.Arguments);
        Assert.Equal(["/data"], call.RestoredPaths!);
    }
}
