using Stash.Restore.Cli;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Cli;

/// <summary>
/// The command map: the exact argument lists Stash's operators inject parse into <c>restore</c> and their values reach
/// the options; an empty value (<c>--include=</c>) means unset; an unknown flag is an error.
/// </summary>
public class CliAppTests
{
    private const string SessionList =
        "restore --restore-session=sts-restore --secret-dir=/etc/stash/repository/secret --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url=http://stash-operator.kube-system.svc:56789 --restore-model=init-container --enable-status-subresource=true --service-name=stash-operator --enable-analytics=true";

    private const string InvokerList =
        "restore --invoker-kind=RestoreSession --invoker-name=sts-restore --target-kind=StatefulSet --target-name=recovered-sts --target-namespace=demo --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url=http://stash.kube-system.svc:56789 --restore-model=init-container --use-kubeapiserver-fqdn-for-aks=true --logtostderr=true --alsologtostderr=false --v=3";

    /// <summary>
    /// stashed/stash v0.42 (commit 844e1bc87) pkg/executor/init_container.go newRestoreInitContainer: the
    /// init-container's arguments, then gomodules.xyz/flags LoggerOptions.ToFlags() (--stderrthreshold is
    /// klog's severity printed as a number).
    /// </summary>
    internal const string InitContainerList =
        "restore --invoker-kind=RestoreSession --invoker-name=sts-restore --target-name=recovered-sts --target-namespace=demo --target-kind=StatefulSet --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url=http://stash.kube-system.svc:56789 --use-kubeapiserver-fqdn-for-aks=false --logtostderr=true --alsologtostderr=false --v=3 --stderrthreshold=2";

    /// <summary>stashed/stash v0.17.0 (56eeababb) pkg/util/init_container.go: the Secret mounted, --secret-dir, no --target-namespace.</summary>
    internal const string InitContainerV017List =
        "restore --invoker-kind=RestoreSession --invoker-name=sts-restore --target-name=recovered-sts --target-kind=StatefulSet --secret-dir=/etc/stash/repository/secret --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url=http://stash.kube-system.svc:56789 --use-kubeapiserver-fqdn-for-aks=true --logtostderr=true --alsologtostderr=false --v=3 --stderrthreshold=2";

    /// <summary>stashed/stash v0.42 pkg/executor/restore_job.go volumeRestorerPodTemplate: the restore Job's container.</summary>
    internal const string RestoreJobList =
        "restore --invoker-kind=RestoreSession --invoker-name=sts-restore --target-kind=StatefulSet --target-name=recovered-sts --target-namespace=demo --restore-model=job --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url=http://stash.kube-system.svc:56789 --use-kubeapiserver-fqdn-for-aks=false --logtostderr=true --alsologtostderr=false --v=3 --stderrthreshold=2";

    public static TheoryData<string> OperatorArgumentLists => new() { SessionList, InvokerList, InitContainerList, InitContainerV017List, RestoreJobList };

    private static CliHost Host() => new(new Dictionary<string, string>(), TextWriter.Null, TextWriter.Null, TimeProvider.System,
        new ProcessRunner(), "test", false, new Interruption());

    [Theory]
    [MemberData(nameof(OperatorArgumentLists))]
    public void Operator_argument_lists_parse_without_errors(string commandLine)
    {
        var parse = CliApp.Parse(Host(), commandLine.Split(' '));
        Assert.Empty(parse.Errors);
        Assert.Empty(parse.UnmatchedTokens);
        Assert.Equal("restore", parse.CommandResult.Command.Name);
    }

    [Fact]
    public void Values_of_the_first_list_reach_their_options()
    {
        var parse = CliApp.Build(Host()).Parse(SessionList);
        Assert.Equal("sts-restore", parse.GetValue<string?>("--restoresession"));
        Assert.Equal("/etc/stash/repository/secret", parse.GetValue<string?>("--secret-dir"));
        Assert.True(parse.GetValue<bool>("--metrics-enabled"));
        Assert.Equal("http://stash-operator.kube-system.svc:56789", parse.GetValue<string?>("--pushgateway-url"));
        Assert.Equal(0, parse.GetValue<int>("--max-connections"));
    }

    [Fact]
    public void Values_of_the_second_list_reach_their_options()
    {
        var parse = CliApp.Build(Host()).Parse(InvokerList);
        Assert.Equal("RestoreSession", parse.GetValue<string?>("--invoker-kind"));
        Assert.Equal("sts-restore", parse.GetValue<string?>("--invoker-name"));
        Assert.Equal(("StatefulSet", "recovered-sts", "demo"),
            (parse.GetValue<string?>("--target-kind"), parse.GetValue<string?>("--target-name"), parse.GetValue<string?>("--target-namespace")));
        Assert.Equal(["3"], parse.GetValue<string[]>("--v") ?? []);
    }

    [Fact]
    public void An_unknown_flag_is_an_error() =>
        Assert.NotEmpty(CliApp.Build(Host()).Parse("restore --no-such-flag=1").Errors);

    /// <summary>An empty value means unset: a text option gets "", a switch or number keeps its default (was "unexpected argument ''").</summary>
    [Fact]
    public void Empty_values_leave_switches_and_numbers_at_their_defaults()
    {
        var root = CliApp.Build(Host());
        Assert.Equal(["restore-pvc", "--include", "", "--provider=s3"],
            CliApp.SplitEmptyValues(root, ["restore-pvc", "--include=", "--insecure-tls=", "--enable-cache=", "--max-connections=", "--provider=s3"]));
        Assert.Equal(["restore", "--snapshot", ""], CliApp.SplitEmptyValues(root, ["restore", "--enable-cache=", "--snapshot="]));
        var parse = root.Parse(CliApp.SplitEmptyValues(root, ["restore", "--enable-cache=", "--max-connections=", "--restoresession=x"]));
        Assert.Empty(parse.Errors);
        Assert.True(parse.GetValue<bool>("--enable-cache"));
    }
}
