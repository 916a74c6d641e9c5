using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

/// <summary>Which KubeStash RestoreSession a cluster run looks for.</summary>
public sealed class KubeStashSessionChoiceTests
{
    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Without_restoresession_it_is_not_a_KubeStash_cluster_run(string? name)
    {
        // The invoker flags are Stash's: they do not name a KubeStash session.
        var options = new RestoreOptions { RestoreSession = name, InvokerName = "sts-restore", Namespace = "demo" };

        Assert.Null(KubeStashSessionChoice.Select(options, new Dictionary<string, string>(), "demo"));
    }

    [Fact]
    public void The_name_is_trimmed_and_the_namespace_falls_back_to_the_pod()
    {
        var choice = KubeStashSessionChoice.Select(
            new RestoreOptions { RestoreSession = " restore-x " }, new Dictionary<string, string> { ["POD_NAMESPACE"] = "pod-ns" }, "credentials-ns");

        Assert.Equal(new KubeStashSessionChoice("pod-ns", "restore-x"), choice);
    }

    [Fact]
    public void The_credentials_namespace_is_the_last_fallback_and_none_is_an_error()
    {
        Assert.Equal("credentials-ns", KubeStashSessionChoice.Select(new RestoreOptions { RestoreSession = "restore-x" }, new Dictionary<string, string>(), "credentials-ns")?.Namespace);

        var error = Assert.Throws<InvalidInputException>(() => KubeStashSessionChoice.Select(new RestoreOptions { RestoreSession = "restore-x" }, new Dictionary<string, string>(), null));
        Assert.Equal("no namespace for RestoreSession restore-x: pass --namespace (POD_NAMESPACE is unset and the credentials name none)", error.Message);
    }
}
