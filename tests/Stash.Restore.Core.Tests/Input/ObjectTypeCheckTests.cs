using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>The object's apiVersion and kind, checked before its shape: another kind of object is one problem naming both, not many type errors.</summary>
public sealed class ObjectTypeCheckTests
{
    private static IReadOnlyList<ManifestProblem> Problems(string text) =>
        ObjectFileReader.Load(text, StashJsonContext.Default.RestoreSession, StashObjects.RestoreSessionType).Problems;

    [Theory]
    [InlineData("apiVersion: core.kubestash.com/v1alpha1\nkind: RestoreSession\nspec:\n  dataSource: {snapshot: latest}\n  target: {kind: StatefulSet}\n",
        "this is a KubeStash RestoreSession (core.kubestash.com/v1alpha1), not a Stash RestoreSession (stash.appscode.com/v1beta1)")]
    [InlineData("apiVersion: storage.kubestash.com/v1alpha1\nkind: Snapshot\n", "this is a KubeStash Snapshot (storage.kubestash.com/v1alpha1)")]
    [InlineData("apiVersion: stash.appscode.com/v1alpha1\nkind: RestoreSession\nspec: {target: []}\n",
        "expected apiVersion stash.appscode.com/v1beta1 kind RestoreSession, got apiVersion stash.appscode.com/v1alpha1 kind RestoreSession")]
    [InlineData("kind: RestoreSession\n", "got apiVersion <none> kind RestoreSession")]
    public void The_object_type_is_checked_first_and_alone(string text, string expected)
    {
        var problem = Assert.Single(Problems(text));
        Assert.Contains(expected, problem.Describe());
        Assert.DoesNotContain("expected an object", problem.Describe());
    }
}
