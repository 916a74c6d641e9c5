using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>What the pod knows about itself, from the downward API environment and the OS host name.</summary>
public sealed class PodIdentityTests
{
    [Fact]
    public void Pod_identity_comes_from_the_downward_api_environment()
    {
        var pod = PodIdentity.FromEnvironment(new Dictionary<string, string> { ["POD_NAME"] = "sts-1", ["NODE_NAME"] = "n1", ["POD_ORDINAL"] = "1" }, "h");
        Assert.Equal(("sts-1", "n1", "1", "h"), (pod.PodName, pod.NodeName, pod.PodOrdinal, pod.OsHostName));
    }

    [Fact]
    public void The_pod_namespace_is_read_and_unset_variables_stay_unknown()
    {
        var pod = PodIdentity.FromEnvironment(new Dictionary<string, string> { ["POD_NAMESPACE"] = "demo" }, osHostName: null);

        Assert.Equal(new PodIdentity(null, "demo", null, null, null), pod);
    }
}
