using System.Text.Json.Nodes;
using Stash.Restore.Core;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

public class HostIdentityTests
{
    private static RestoreTarget Target(string? kind, string? alias = null) =>
        new() { Ref = kind is null ? null : new TargetReference { Kind = kind, Name = "app" }, Alias = alias };

    private static PodIdentity Pod(string? podName = null, string? node = null, string? ordinal = null, string? osHost = null) =>
        new(podName, "demo", node, ordinal, osHost);

    [Theory]
    [InlineData("Deployment", null, "host-0")]
    [InlineData("Deployment", "web", "web")]
    [InlineData("ReplicaSet", null, "host-0")]
    [InlineData("ReplicationController", null, "host-0")]
    [InlineData("DeploymentConfig", "dc", "dc")]
    [InlineData("PersistentVolumeClaim", null, "host-0")]
    [InlineData("AppBinding", "db", "db")]
    [InlineData(null, null, "host-0")]
    public void Single_host_kinds_are_host_0_or_the_alias(string? kind, string? alias, string expected) =>
        Assert.Equal(expected, HostIdentity.Resolve(Target(kind, alias), Pod(podName: "app-7d9f-x2x"), null));

    [Theory]
    [InlineData(null, "recovered-sts-3", "host-3")]
    [InlineData("my-sts", "recovered-sts-12", "my-sts-12")]
    public void StatefulSet_host_is_the_pod_ordinal(string? alias, string podName, string expected) =>
        Assert.Equal(expected, HostIdentity.Resolve(Target("StatefulSet", alias), Pod(podName: podName), null));

    [Fact]
    public void StatefulSet_falls_back_to_the_os_host_name_when_POD_NAME_is_unset() =>
        Assert.Equal("host-2", HostIdentity.Resolve(Target("StatefulSet"), Pod(osHost: "db-2"), null));

    [Fact]
    public void StatefulSet_without_an_ordinal_anywhere_is_an_error()
    {
        var e = Assert.Throws<InvalidInputException>(() => HostIdentity.Resolve(Target("StatefulSet"), Pod(podName: "db", osHost: "laptop"), null));
        Assert.Contains("POD_NAME \"db\"", e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }

    [Theory]
    [InlineData(null, "node-a")]
    [InlineData("ds", "ds-node-a")]
    public void DaemonSet_host_is_the_node_name(string? alias, string expected) =>
        Assert.Equal(expected, HostIdentity.Resolve(Target("DaemonSet", alias), Pod(node: "node-a"), null));

    [Fact]
    public void DaemonSet_with_empty_NODE_NAME_is_an_error()
    {
        var e = Assert.Throws<InvalidInputException>(() => HostIdentity.Resolve(Target("DaemonSet"), Pod(node: ""), null));
        Assert.Contains("NODE_NAME", e.Message);
    }

    [Theory]
    [InlineData(null, 3, "4", "host-4")]
    [InlineData("pvc", 3, "1", "pvc-1")]
    [InlineData(null, null, null, "host-0")]
    [InlineData("pvc", null, null, "pvc")]
    public void VolumeClaimTemplates_use_POD_ORDINAL_when_replicas_is_set(string? alias, int? replicas, string? ordinal, string expected)
    {
        var target = Target("StatefulSet", alias) with { VolumeClaimTemplates = [new JsonObject()], Replicas = replicas };
        Assert.Equal(expected, HostIdentity.Resolve(target, Pod(podName: "x-9", ordinal: ordinal), null));
    }

    [Fact]
    public void VolumeClaimTemplates_with_replicas_and_no_POD_ORDINAL_is_an_error()
    {
        var target = Target(null) with { VolumeClaimTemplates = [new JsonObject()], Replicas = 2 };
        var e = Assert.Throws<InvalidInputException>(() => HostIdentity.Resolve(target, Pod(), null));
        Assert.Contains("POD_ORDINAL", e.Message);
    }

    [Fact]
    public void Host_override_wins_over_everything() =>
        Assert.Equal("host-9", HostIdentity.Resolve(Target("DaemonSet"), Pod(node: ""), "host-9"));
}
