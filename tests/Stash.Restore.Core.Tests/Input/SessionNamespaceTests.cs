using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>The namespace a RestoreSession is looked for in: --namespace, then POD_NAMESPACE, then the credentials' (offline: default).</summary>
public sealed class SessionNamespaceTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Theory]
    [InlineData("flag-ns", "pod-ns", "flag-ns")]
    [InlineData(null, "pod-ns", "pod-ns")]
    [InlineData(null, null, "default")]
    public void Offline_objects_default_to_the_flag_then_the_pod_then_default(string? flag, string? podNamespace, string expected)
    {
        var environment = podNamespace is null ? NoEnvironment : new Dictionary<string, string> { ["POD_NAMESPACE"] = podNamespace };

        Assert.Equal(expected, SessionNamespace.Offline(new RestoreOptions { Namespace = flag }, environment));
    }

    [Theory]
    [InlineData("flag-ns", "pod-ns", "sa-ns", "flag-ns")]
    [InlineData(null, "pod-ns", "sa-ns", "pod-ns")]
    [InlineData(null, null, "sa-ns", "sa-ns")]
    public void In_a_cluster_the_flag_wins_then_the_pod_then_the_credentials(string? flag, string? podNamespace, string? credentials, string expected)
    {
        var environment = podNamespace is null ? NoEnvironment : new Dictionary<string, string> { ["POD_NAMESPACE"] = podNamespace };

        Assert.Equal(expected, SessionNamespace.InCluster(new RestoreOptions { Namespace = flag }, environment, credentials, "rs"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void In_a_cluster_no_namespace_anywhere_is_invalid_input_naming_the_session(string? credentials)
    {
        var error = Assert.Throws<InvalidInputException>(() => SessionNamespace.InCluster(new RestoreOptions(), NoEnvironment, credentials, "restore-x"));

        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.Equal("no namespace for RestoreSession restore-x: pass --namespace (POD_NAMESPACE is unset and the credentials name none)", error.Message);
    }
}
