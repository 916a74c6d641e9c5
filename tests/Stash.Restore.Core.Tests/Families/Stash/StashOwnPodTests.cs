using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>The own Pod is read from the API only when a hook needs its IP or named ports.</summary>
public sealed class StashOwnPodTests
{
    private static readonly PodIdentity Pod = new("sts-0", "demo", "node-1", null, "sts-0");

    private static RestoreSession With(HookSpec? preRestore = null, HookSpec? postRestore = null) =>
        new() { Spec = new RestoreSessionSpec { Hooks = new RestoreHooks { PreRestore = preRestore, PostRestore = postRestore } } };

    [Theory]
    [InlineData("httpGet")]
    [InlineData("httpPost")]
    [InlineData("tcpSocket")]
    public void A_network_hook_before_or_after_needs_the_pod(string kind)
    {
        var hook = kind switch
        {
            "httpGet" => new HookSpec { HttpGet = new HttpGetAction { Path = "/ready" } },
            "httpPost" => new HookSpec { HttpPost = new HttpPostAction { Path = "/hook" } },
            _ => new HookSpec { TcpSocket = new TcpSocketAction() },
        };

        Assert.True(StashOwnPod.IsNeeded(With(preRestore: hook), Pod), $"pre {kind}");
        Assert.True(StashOwnPod.IsNeeded(With(postRestore: hook), Pod), $"post {kind}");
    }

    [Fact]
    public void No_hooks_or_exec_hooks_do_not_need_the_pod()
    {
        var exec = new HookSpec { Exec = new ExecAction { Command = ["/bin/true"] } };

        Assert.False(StashOwnPod.IsNeeded(new RestoreSession(), Pod));
        Assert.False(StashOwnPod.IsNeeded(With(preRestore: exec, postRestore: exec), Pod));
    }

    [Fact]
    public void Without_the_downward_API_naming_the_pod_it_is_not_read()
    {
        var session = With(preRestore: new HookSpec { HttpGet = new HttpGetAction { Path = "/ready" } });

        Assert.False(StashOwnPod.IsNeeded(session, Pod with { PodName = null }));
        Assert.False(StashOwnPod.IsNeeded(session, Pod with { PodNamespace = null }));
    }
}
