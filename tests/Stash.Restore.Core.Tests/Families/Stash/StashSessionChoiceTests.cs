using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>Which RestoreSession a Stash cluster run restores, from the flags the operator passes.</summary>
public sealed class StashSessionChoiceTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Restoresession_names_the_session_and_target_flags_pass_through()
    {
        var options = new RestoreOptions
        {
            RestoreSession = "sts-restore", Namespace = "demo",
            TargetKind = "StatefulSet", TargetName = "recovered-sts", TargetNamespace = "apps",
        };

        var selector = StashSessionChoice.Select(options, NoEnvironment, credentialsNamespace: "from-credentials");

        Assert.Equal(new SessionSelector("demo", "sts-restore", "StatefulSet", "recovered-sts", "apps"), selector);
    }

    [Fact]
    public void Invoker_name_names_the_session_when_restoresession_is_not_given()
    {
        var byName = StashSessionChoice.Select(new RestoreOptions { InvokerName = "sts-restore", Namespace = "demo" }, NoEnvironment, null);
        var byKindAndName = StashSessionChoice.Select(new RestoreOptions { InvokerKind = "RestoreSession", InvokerName = "sts-restore", Namespace = "demo" }, NoEnvironment, null);

        Assert.Equal("sts-restore", byName.Name);
        Assert.Equal("sts-restore", byKindAndName.Name);
    }

    [Fact]
    public void Restoresession_wins_over_the_invoker_flags()
    {
        var options = new RestoreOptions { RestoreSession = "named", InvokerKind = "BackupBatch", InvokerName = "other", Namespace = "demo" };

        Assert.Equal("named", StashSessionChoice.Select(options, NoEnvironment, null).Name);
    }

    [Fact]
    public void An_invoker_that_is_not_a_RestoreSession_is_refused()
    {
        var options = new RestoreOptions { InvokerKind = "RestoreBatch", InvokerName = "batch-1", Namespace = "demo" };

        var error = Assert.Throws<InvalidInputException>(() => StashSessionChoice.Select(options, NoEnvironment, null));

        Assert.Equal("--invoker-kind RestoreBatch is not supported; this executor restores a RestoreSession", error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void No_session_name_is_invalid_input(string? name)
    {
        var error = Assert.Throws<InvalidInputException>(() => StashSessionChoice.Select(new RestoreOptions { RestoreSession = name, Namespace = "demo" }, NoEnvironment, null));

        Assert.Equal("name the RestoreSession: --restoresession NAME (cluster) or --restoresession-file FILE (offline)", error.Message);
    }

    [Theory]
    [InlineData("flag-ns", "pod-ns", "credentials-ns", "flag-ns")]
    [InlineData(null, "pod-ns", "credentials-ns", "pod-ns")]
    [InlineData(null, null, "credentials-ns", "credentials-ns")]
    public void Namespace_is_the_flag_then_the_pod_then_the_credentials(string? flag, string? podNamespace, string? credentials, string expected)
    {
        var environment = podNamespace is null ? NoEnvironment : new Dictionary<string, string> { ["POD_NAMESPACE"] = podNamespace };

        var selector = StashSessionChoice.Select(new RestoreOptions { RestoreSession = "rs", Namespace = flag }, environment, credentials);

        Assert.Equal(expected, selector.Namespace);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_namespace_anywhere_is_invalid_input_naming_the_session(string? credentials)
    {
        var error = Assert.Throws<InvalidInputException>(() => StashSessionChoice.Select(new RestoreOptions { RestoreSession = "rs" }, NoEnvironment, credentials));

        Assert.Equal("no namespace for RestoreSession rs: pass --namespace (POD_NAMESPACE is unset and the credentials name none)", error.Message);
    }
}
