using Stash.Restore.Core;
using Stash.Restore.IntegrationTests.Cli;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// Sessions restored by a database addon's image or by volume snapshots are not ours: restore
/// refuses them before anything runs (restic never starts), validate calls them valid with a note.
/// </summary>
public sealed class StashSessionSupportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("addon-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Session(string name, string spec)
    {
        var path = Path.Combine(_dir, name + ".yaml");
        File.WriteAllText(path, $"apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {{name: {name}, namespace: demo}}\nspec:\n{spec}");
        return path;
    }

    private const string AddonSpec = """
          task:
            name: postgres-restore-11.9
          repository:
            name: gcs-repo
          target:
            ref:
              apiVersion: appcatalog.appscode.com/v1alpha1
              kind: AppBinding
              name: sample-postgres
          rules:
            - snapshots: [latest]
        """;

    /// <summary>A restic on PATH that leaves a mark when anything runs it, so a test can prove restic never started.</summary>
    private (Dictionary<string, string> Environment, string Marker) RecordingRestic()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var marker = Path.Combine(_dir, "restic-ran");
        var script = Path.Combine(bin, "restic");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" >> '{marker}'\nexec /usr/bin/env -u PATH restic \"$@\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" }, marker);
    }

    private async Task<CliResult> Restore(string session, IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        var repository = Path.Combine(_dir, "repo.yaml");
        File.WriteAllText(repository, "apiVersion: stash.appscode.com/v1alpha1\nkind: Repository\nmetadata: {name: gcs-repo, namespace: demo}\nspec:\n  backend:\n    local: {mountPath: /nonexistent}\n");
        var secret = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "RESTIC_PASSWORD"), "pw-addon");
        return await CliHarness.RunAsync(environment,
        [
            "restore", "--restoresession-file", session, "--repository-file", repository, "--secret-dir", secret,
            "--target-dir", Path.Combine(_dir, "target"), "--status-file", Path.Combine(_dir, "status.json"), "--log-format", "text", .. extra,
        ]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_addon_task_session_is_refused_with_exit_2_and_restic_never_starts(bool dryRun)
    {
        var (environment, marker) = RecordingRestic();
        var result = await Restore(Session("x", AddonSpec), environment, dryRun ? ["--dry-run"] : []);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("RestoreSession demo/x restores through the addon task \"postgres-restore-11.9\"; stash-restore restores files (workloads and PVCs) only", result.Error);
        Assert.False(File.Exists(marker), "restic was started for an addon session");
        Assert.False(File.Exists(Path.Combine(_dir, "status.json")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "target")));
    }

    [Fact]
    public async Task An_appbinding_target_without_a_task_and_a_volume_snapshotter_session_are_refused_too()
    {
        var (environment, marker) = RecordingRestic();
        var kubedb = await Restore(Session("kubedb", AddonSpec.Replace("  task:\n    name: postgres-restore-11.9\n", "", StringComparison.Ordinal)), environment);
        var snapshotter = await Restore(Session("vs", "  driver: VolumeSnapshotter\n  target:\n    ref: {apiVersion: apps/v1, kind: StatefulSet, name: db}\n    replicas: 3\n    volumeClaimTemplates: [{metadata: {name: data}}]\n"), environment);

        Assert.Equal(ExitCodes.InvalidInput, kubedb.ExitCode);
        Assert.Contains("RestoreSession demo/kubedb restores a database through its AppBinding's addon task", kubedb.Error);
        Assert.Equal(ExitCodes.InvalidInput, snapshotter.ExitCode);
        Assert.Contains("RestoreSession demo/vs uses driver VolumeSnapshotter", snapshotter.Error);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Validate_calls_an_addon_session_valid_with_a_note()
    {
        var result = await CliHarness.RunAsync("validate", "-f", Session("x", AddonSpec));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("x.yaml: valid; note: RestoreSession demo/x restores through the addon task \"postgres-restore-11.9\"", result.Output);
    }

    [Fact]
    public async Task A_pvc_restore_session_is_ours()
    {
        var (environment, marker) = RecordingRestic();
        var session = Session("pvc", """
              task:
                name: pvc-restore
              repository:
                name: gcs-repo
              target:
                ref: {apiVersion: v1, kind: PersistentVolumeClaim, name: data}
                rules:
                  - paths: [/data]
            """);

        var result = await Restore(session, environment, "--dry-run");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("restore latest --path /data --host host-0", result.Output);
        Assert.True(File.Exists(marker), "the dry run should have asked restic for its version");
    }
}
