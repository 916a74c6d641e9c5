using Stash.Restore.Core.Engine;

namespace Stash.Restore.Core.Tests.Engine;

public sealed class MirrorModeTests
{
    [Theory]
    [InlineData(null, false, null)]
    [InlineData("true", true, null)]
    [InlineData(" True ", true, null)]
    [InlineData("false", false, null)]
    [InlineData("yes", false, "metadata.annotations[\"stash-restore/mirror\"]: \"yes\" is not \"true\" or \"false\"")]
    public void The_annotation_is_true_false_or_a_problem(string? value, bool requested, string? problem)
    {
        var annotations = value is null ? new Dictionary<string, string> { ["other"] = "true" } : new Dictionary<string, string> { ["stash-restore/mirror"] = value };

        Assert.Equal(requested, MirrorMode.IsRequested(annotations));
        Assert.Equal(problem, MirrorMode.Problem(annotations));
    }
}
