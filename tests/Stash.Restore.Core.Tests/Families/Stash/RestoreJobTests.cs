using System.Text.Json.Nodes;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Platform;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>The pure parts of Stash's restore Job commands: the Function's arguments made into the Stash model, and output.json.</summary>
public sealed class RestoreJobTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("stash-restore-job-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly Dictionary<string, string> Secret = new()
    {
        ["RESTIC_PASSWORD"] = "pw",
        ["AWS_ACCESS_KEY_ID"] = "id",
        ["AWS_SECRET_ACCESS_KEY"] = "key",
        ["REST_SERVER_USERNAME"] = "u",
        ["REST_SERVER_PASSWORD"] = "p",
    };

    /// <summary>RESTIC_REPOSITORY for the Function's backend arguments, through the one Repository → restic mapping.</summary>
    private static string Repository(FunctionBackend backend)
    {
        var location = StashBackendLocation.Of(new Repository { Metadata = new ObjectMeta { Name = "r", Namespace = "demo" }, Spec = new RepositorySpec { Backend = backend.ToBackendSpec("s") } });
        return ResticBackends.Build(location, Secret, "/tmp/creds").Environment["RESTIC_REPOSITORY"]!;
    }

    /// <summary>What Stash's resolver passes for each Repository backend (Backend.Provider/Container/Prefix/Endpoint), and the repository Stash's restic wrapper then opens.</summary>
    [Theory]
    [InlineData("local", "/safe/repo", "", "", "/safe/repo")]
    [InlineData("s3", "stash-backup", "https://minio.storage:9000", "pvc/demo", "s3:https://minio.storage:9000/stash-backup/pvc/demo")]
    [InlineData("gcs", "gbucket", "", "pvc/demo", "gs:gbucket:/pvc/demo")]
    [InlineData("azure", "container", "", "pvc/demo", "azure:container:/pvc/demo")]
    [InlineData("swift", "container", "", "pvc/demo", "swift:container:/pvc/demo")]
    [InlineData("b2", "bbucket", "", "pvc/demo", "b2:bbucket:/pvc/demo")]
    [InlineData("rest", "rest.storage:8000", "http://rest.storage:8000/demo", "/demo", "rest:http://u:p@rest.storage:8000/demo")]
    public void The_backend_arguments_open_the_repository_Stash_opens(string provider, string bucket, string endpoint, string path, string expected) =>
        Assert.Equal(expected, Repository(new FunctionBackend(provider, bucket, endpoint, "", path, false)));

    [Fact]
    public void S3_region_and_insecure_tls_reach_the_repository_spec()
    {
        var spec = new FunctionBackend("S3", "b", "https://minio:9000", "eu-west-1", "p", true).ToBackendSpec("creds");
        Assert.Equal(("eu-west-1", true, "creds"), (spec.S3!.Region, spec.S3.InsecureTLS, spec.StorageSecretName));
    }

    [Theory]
    [InlineData("", "--provider is empty")]
    [InlineData("ftp", "--provider \"ftp\" is not one of local, s3, gcs, azure, swift, b2, rest")]
    public void An_unknown_or_empty_provider_is_invalid_input(string provider, string message)
    {
        var e = Assert.Throws<InvalidInputException>(() => new FunctionBackend(provider, "b", null, null, null, false).ToBackendSpec(null));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("--no-lock", new[] { "--no-lock" })]
    // Stash's resolver joins target.args with spaces; its flag splits at commas only.
    [InlineData("--no-lock --sparse", new[] { "--no-lock", "--sparse" })]
    [InlineData("--no-lock, --sparse,,-o s3.connections=4", new[] { "--no-lock", "--sparse", "-o", "s3.connections=4" })]
    public void Args_are_split_at_commas_and_whitespace(string args, string[] expected) =>
        Assert.Equal(expected, PvcRestoreArguments.SplitArgs(args));

    private static PodIdentity Pod(string? ordinal = null) => new("stash-restore-pvc-0-x2x", "demo", "node-1", ordinal, "stash-restore-pvc-0-x2x");

    private static RestoreTarget PvcTarget(string? alias = null) =>
        new() { Ref = new TargetReference { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = "data" }, Alias = alias };

    private static RestoreTarget ClaimTemplates(string? alias = null) =>
        new() { Alias = alias, Replicas = 3, VolumeClaimTemplates = [new JsonObject { ["metadata"] = new JsonObject { ["name"] = "data-db" } }] };

    [Theory]
    [InlineData(null, null, "host-0")]
    [InlineData("pvc", null, "pvc")]
    [InlineData(null, "restored", "restored")]
    [InlineData("pvc", "other", "other")]
    public void The_host_of_a_pvc_is_the_alias_or_host_0_and_hostname_stands_in_for_the_alias(string? alias, string? hostname, string expected) =>
        Assert.Equal(expected, JobHost.Resolve(PvcTarget(alias), Pod(), hostname));

    [Theory]
    [InlineData(null, null, "host-2")]
    [InlineData("db", null, "db-2")]
    // Stash passes the alias as --hostname; its executor still adds the ordinal.
    [InlineData("db", "db", "db-2")]
    public void Claim_templates_with_replicas_add_POD_ORDINAL(string? alias, string? hostname, string expected) =>
        Assert.Equal(expected, JobHost.Resolve(ClaimTemplates(alias), Pod(ordinal: "2"), hostname));

    [Fact]
    public void Claim_templates_with_replicas_and_no_POD_ORDINAL_are_invalid_input() =>
        Assert.Throws<InvalidInputException>(() => JobHost.Resolve(ClaimTemplates(), Pod(), null));

    private static RestoreSession Session(params RestoreRule[] rules) => new()
    {
        Metadata = new ObjectMeta { Name = "pvc-restore", Namespace = "demo" },
        Spec = new RestoreSessionSpec
        {
            Repository = new RepositoryReference { Name = "minio-repo" },
            Target = PvcTarget() with { Rules = [.. rules], Args = ["--from-session"] },
            Hooks = new RestoreHooks { PreRestore = new Core.Hooks.HookSpec { Exec = new Core.Hooks.ExecAction { Command = ["true"] } } },
        },
    };

    [Fact]
    public void The_paths_argument_becomes_the_one_rule_with_the_sessions_source_host_and_no_hooks()
    {
        var session = Session(new RestoreRule { TargetHosts = ["host-0"], SourceHost = "old-host", Paths = ["/stash-data"] });
        var arguments = new PvcRestoreArguments { RestorePaths = ["/stash-data/a", "/stash-data/b"], Include = ["*.db"], Args = ["--no-lock"] };

        var restored = StashPvcRestore.ForArguments(session, arguments, "host-0");
        var rule = Assert.Single(restored.Spec.Target!.Rules!);
        Assert.Equal(["/stash-data/a", "/stash-data/b"], rule.Paths);
        Assert.Null(rule.Snapshots);
        Assert.Equal(["*.db"], rule.Include);
        Assert.Equal("old-host", rule.SourceHost);
        Assert.Equal(["--no-lock"], restored.Spec.Target.Args);
        Assert.Null(restored.Spec.Hooks);
        Assert.Equal("restore-pvc arguments[0]", RuleResolver.Resolve(restored, "host-0")!.Name);
    }

    [Fact]
    public void Without_a_matching_rule_the_paths_come_from_the_host_itself()
    {
        var rule = Assert.Single(StashPvcRestore.ForArguments(Session(), new PvcRestoreArguments { RestorePaths = ["/d"] }, "pvc").Spec.Target!.Rules!);
        Assert.Equal("pvc", rule.SourceHost);
    }

    [Fact]
    public void Without_paths_or_snapshots_the_sessions_own_rule_for_the_host_decides()
    {
        var own = new RestoreRule { TargetHosts = ["host-1"], SourceHost = "host-0", Paths = ["/x"] };
        var restored = StashPvcRestore.ForArguments(Session(own), new PvcRestoreArguments(), "host-1");
        Assert.Same(own, Assert.Single(restored.Spec.Target!.Rules!));
        Assert.Equal("spec.target.rules[0]", RuleResolver.Resolve(restored, "host-1")!.Name);
        Assert.Null(RuleResolver.Resolve(restored, "host-2"));
    }

    [Fact]
    public void A_Stash_Snapshot_name_in_snapshots_is_reduced_with_the_sessions_repository_name()
    {
        var arguments = new PvcRestoreArguments { Snapshots = ["minio-repo-1a2b3c4d", "0f1e2d3c"], Backend = new FunctionBackend("local", "/repo", null, null, null, false) };
        var session = StashPvcRestore.ForArguments(Session(), arguments, "host-0");
        var request = StashRestoreRequest.For(RuleResolver.Resolve(session, "host-0")!, StashPvcRestore.RepositoryOf(Session(), arguments), Secret);
        Assert.Equal(["1a2b3c4d", "0f1e2d3c"], request.Selections.Select(s => s.SnapshotId));
    }

    [Fact]
    public void The_secret_namespace_defaults_to_the_repositorys()
    {
        var session = Session() with { Spec = Session().Spec with { Repository = new RepositoryReference { Name = "r", Namespace = "backups" } } };
        Assert.Equal("backups", StashPvcRestore.SecretNamespace(session, new PvcRestoreArguments()));
        Assert.Equal("demo", StashPvcRestore.SecretNamespace(Session(), new PvcRestoreArguments()));
        Assert.Equal("creds", StashPvcRestore.SecretNamespace(session, new PvcRestoreArguments { StorageSecretNamespace = "creds" }));
    }

    [Fact]
    public void A_target_of_claim_templates_alone_is_named_by_its_first_template_as_Stash_names_it()
    {
        var session = Session() with { Spec = Session().Spec with { Target = ClaimTemplates() } };
        StashInputs.EnsureTargetMatches(session, new SessionSelector("demo", "pvc-restore", "", "data-db", "demo"), "RestoreSession demo/pvc-restore");
        var e = Assert.Throws<InvalidInputException>(() =>
            StashInputs.EnsureTargetMatches(session, new SessionSelector("demo", "pvc-restore", "", "other", "demo"), "RestoreSession demo/pvc-restore"));
        Assert.Equal("RestoreSession demo/pvc-restore: its target does not match --target-* flags: name other (session has none)", e.Message);
    }

    private static readonly TargetReference Target = new() { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = "data", Namespace = "demo" };

    private sealed class FixedRandom : IRandomSource
    {
        public double NextDouble() => 0.5;
        public string HexDigits(int hexDigits) => new('a', hexDigits);
    }

    /// <summary>The bytes Stash's Go (json.MarshalIndent with omitempty) would write for the same outcome.</summary>
    [Fact]
    public async Task Output_json_has_Stashs_shape_and_leaves_empty_fields_out()
    {
        await RestoreOutputFile.WriteAsync(_directory, RestoreOutputFile.For(Target, "host-0", new UnitStatusEntry("Succeeded", "1.5s")), new FixedRandom(), CancellationToken.None);
        Assert.Equal("""
            {
              "targetStatus": {
                "ref": {
                  "apiVersion": "v1",
                  "kind": "PersistentVolumeClaim",
                  "name": "data",
                  "namespace": "demo"
                },
                "stats": [
                  {
                    "hostname": "host-0",
                    "phase": "Succeeded",
                    "duration": "1.5s"
                  }
                ]
              }
            }

            """.ReplaceLineEndings("\n"), File.ReadAllText(Path.Combine(_directory, "output.json")));

        await RestoreOutputFile.WriteAsync(_directory, RestoreOutputFile.For(Target with { ApiVersion = "" }, "host-0", new UnitStatusEntry("Failed", null, "wrong password")), new FixedRandom(), CancellationToken.None);
        var failed = JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "output.json")))!;
        Assert.Equal(["kind", "name", "namespace"], failed["targetStatus"]!["ref"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["hostname", "phase", "error"], failed["targetStatus"]!["stats"]![0]!.AsObject().Select(p => p.Key));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp-*"));
    }

    [Fact]
    public async Task Output_json_reads_back()
    {
        await RestoreOutputFile.WriteAsync(_directory, RestoreOutputFile.For(Target, "host-0", new UnitStatusEntry("Failed", "2s", "boom")), new FixedRandom(), CancellationToken.None);
        var entry = Assert.Single(RestoreOutputFile.Read(_directory).TargetStatus.Stats!);
        Assert.Equal(("host-0", "Failed", "2s", "boom"), (entry.Hostname, entry.Phase, entry.Duration, entry.Error));
    }

    [Theory]
    [InlineData("{\"targetStatus\":", "is not valid JSON")]
    [InlineData("{\"targetStatus\":{\"ref\":{}}}", "holds no host entry")]
    [InlineData("{\"targetStatus\":{\"stats\":[{\"phase\":\"Succeeded\"}]}}", "targetStatus.stats[0] has no hostname")]
    [InlineData("{\"targetStatus\":{\"stats\":[{\"hostname\":\"host-0\",\"phase\":\"Done\"}]}}", "targetStatus.stats[0].phase \"Done\" is not one of")]
    [InlineData("[]", "is not valid JSON")]
    public void A_malformed_output_json_is_invalid_input_naming_the_file(string text, string problem)
    {
        File.WriteAllText(Path.Combine(_directory, "output.json"), text);
        var e = Assert.Throws<InvalidInputException>(() => RestoreOutputFile.Read(_directory));
        Assert.StartsWith($"restore output {Path.Combine(_directory, "output.json")}", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_output_json_is_a_missing_dependency_naming_the_file()
    {
        var e = Assert.Throws<DependencyUnavailableException>(() => RestoreOutputFile.Read(Path.Combine(_directory, "nope")));
        Assert.Contains($"{Path.Combine(_directory, "nope", "output.json")} does not exist", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], false, ExitCodes.Success)]
    [InlineData(new[] { "host-0" }, false, ExitCodes.RestoreFailed)]
    [InlineData(new[] { "host-0" }, true, ExitCodes.Success)]
    public void Update_status_exits_1_for_a_failed_host_unless_a_postRestore_hook_container_follows(string[] failed, bool hookFollows, int exitCode) =>
        Assert.Equal(exitCode, new StatusUpdateOutcome(["host-0"], failed).ExitCode(hookFollows));
}
