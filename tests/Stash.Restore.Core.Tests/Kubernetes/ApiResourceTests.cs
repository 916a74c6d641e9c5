using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Kubernetes;

/// <summary>An API resource as errors name it (the RBAC name) and as requests reach it (the object's path).</summary>
public sealed class ApiResourceTests
{
    private static readonly ApiResource RestoreSessions = new("stash.appscode.com", "v1beta1", "restoresessions");

    [Fact]
    public void A_group_resource_is_named_plural_dot_group() =>
        Assert.Equal("restoresessions.stash.appscode.com", RestoreSessions.ToString());

    [Fact]
    public void A_core_resource_is_named_by_its_plural_alone()
    {
        Assert.Equal("secrets", ApiResource.Secrets.Name);
        Assert.Equal("leases.coordination.k8s.io", ApiResource.Leases.Name);
    }

    [Fact]
    public void A_group_object_is_under_apis_and_a_core_object_under_api()
    {
        Assert.Equal("/apis/stash.appscode.com/v1beta1/namespaces/demo/restoresessions/rs", RestoreSessions.PathOf("demo", "rs"));
        Assert.Equal("/api/v1/namespaces/demo/pods/db-0", ApiResource.Pods.PathOf("demo", "db-0"));
    }

    [Fact]
    public void Names_are_escaped_in_the_path() =>
        Assert.Equal("/api/v1/namespaces/a%2Fb/events/x%20y%3F", ApiResource.Events.PathOf("a/b", "x y?"));
}
