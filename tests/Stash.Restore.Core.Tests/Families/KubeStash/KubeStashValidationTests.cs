using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class KubeStashValidationTests
{
    private const string FileAddon = """
        addon:
          name: workload-addon
          tasks:
          - name: logical-backup-restore
        """;

    [Fact]
    public void The_seed_session_is_valid_and_ours()
    {
        var check = KubeStashValidation.Check(KubeStashSamples.ReadSession());

        Assert.Empty(check.Problems);
        Assert.Null(check.Unsupported);
    }

    [Fact]
    public void Point_in_time_recovery_is_rejected_naming_the_field()
    {
        var session = KubeStashSamples.SessionWithSpec(FileAddon + """

            dataSource:
              repository: repo
              pitr:
                targetTime: "2024-01-01T00:00:00Z"
            """);

        var problem = Assert.Single(KubeStashValidation.Check(session).Problems);

        Assert.StartsWith("spec.dataSource.pitr: point-in-time recovery is restored by database addons", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Latest_without_a_repository_is_rejected_as_the_webhook_does()
    {
        var session = KubeStashSamples.SessionWithSpec(FileAddon + "\ndataSource:\n  snapshot: latest\n  encryptionSecret: {name: enc}");

        var error = Assert.Throws<InvalidInputException>(() => KubeStashValidation.EnsureRestorable(session, session.Describe()));

        Assert.Equal(
            "RestoreSession demo/sample-restore is invalid: spec.dataSource.snapshot: \"latest\" needs spec.dataSource.repository (repository can not be empty for latest snapshot)",
            error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }

    [Fact]
    public void Every_problem_is_listed_at_once_with_its_place()
    {
        var session = KubeStashSamples.SessionWithSpec("""
            restoreTimeout: soon
            addon:
              name: workload-addon
              tasks:
              - name: logical-backup-restore
                params:
                  include: 5
            dataSource:
              repository: repo
              components: [pod-0, pod-0, ""]
              encryptionSecret: {namespace: demo}
            """);

        var problems = KubeStashValidation.Check(session).Problems;

        Assert.Equal(
            [
                "spec.restoreTimeout: \"soon\" is not a duration like 30m or 1h30m",
                "spec.dataSource.snapshot: can not be empty (name a Snapshot or \"latest\")",
                "spec.dataSource.components[1]: \"pod-0\" is listed twice",
                "spec.dataSource.components[2]: is empty",
                "spec.dataSource.encryptionSecret.name: is required",
                "spec.addon.tasks[0].params.include: expected a comma-separated string, got number",
            ],
            problems);
    }

    [Theory]
    [InlineData("postgres-addon", "logical-backup-restore")]
    [InlineData("workload-addon", "manifest-restore")]
    [InlineData("pvc-addon", "VolumeSnapshotRestore")]
    public void Other_addons_and_tasks_are_valid_but_not_ours(string addon, string task)
    {
        var session = KubeStashSamples.SessionWithSpec($"addon:\n  name: {addon}\n  tasks:\n  - name: {task}\ndataSource:\n  repository: repo\n  snapshot: latest");

        var check = KubeStashValidation.Check(session);
        var error = Assert.Throws<InvalidInputException>(() => KubeStashValidation.EnsureRestorable(session, session.Describe()));

        Assert.Empty(check.Problems);
        Assert.Equal(new UnsupportedRestore(addon, task), check.Unsupported);
        Assert.StartsWith($"RestoreSession demo/sample-restore: addon \"{addon}\" task \"{task}\" is not restored by this executor", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }

    [Fact]
    public void The_pvc_addon_file_restore_is_ours()
    {
        var session = KubeStashSamples.SessionWithSpec("addon:\n  name: pvc-addon\n  tasks:\n  - name: logical-backup-restore\ndataSource:\n  snapshot: pvc-snap");

        Assert.Same(session, KubeStashValidation.EnsureRestorable(session, "x"));
    }

    [Fact]
    public void A_Stash_session_is_not_accepted_as_a_KubeStash_one()
    {
        var session = new RestoreSession { ApiVersion = "stash.appscode.com/v1beta1", Kind = "RestoreSession" };

        var error = Assert.Throws<InvalidInputException>(() => KubeStashValidation.Accept(session, "RestoreSession file 'rs.yaml'"));

        Assert.Equal(
            "RestoreSession file 'rs.yaml': expected apiVersion core.kubestash.com/v1alpha1 kind RestoreSession, got apiVersion stash.appscode.com/v1beta1 kind RestoreSession",
            error.Message);
    }
}
