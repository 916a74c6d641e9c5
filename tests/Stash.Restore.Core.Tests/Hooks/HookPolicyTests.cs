using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Hooks;

public sealed class HookPolicyTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData(null, false, true)]
    [InlineData("", false, true)]
    [InlineData("Always", true, true)]
    [InlineData("Always", false, true)]
    [InlineData("OnSuccess", true, true)]
    [InlineData("OnSuccess", false, false)]
    [InlineData("OnFailure", true, false)]
    [InlineData("OnFailure", false, true)]
    public void Post_restore_runs_per_execution_policy(string? policy, bool restoreSucceeded, bool runs) =>
        Assert.Equal(runs, HookPolicy.ShouldRunPostRestore(policy, restoreSucceeded));

    [Theory]
    [InlineData("Never")]
    [InlineData("onsuccess")]
    public void An_unknown_policy_is_invalid_input(string policy)
    {
        var error = Assert.Throws<InvalidInputException>(() => HookPolicy.ShouldRunPostRestore(policy, true));
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Contains($"\"{policy}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("Always, OnSuccess, OnFailure", error.Message, StringComparison.Ordinal);
    }
}
