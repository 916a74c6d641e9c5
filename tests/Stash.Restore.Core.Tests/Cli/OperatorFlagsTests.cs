using Stash.Restore.Cli;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Cli;

/// <summary>The image must accept the exact argument lists Stash operators inject.</summary>
public class OperatorFlagsTests
{
    private const string SessionList =
        "restore --restore-session=sts-restore --secret-dir=/etc/stash/repository/secret --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url=http://stash-operator.kube-system.svc:56789 --restore-model=init-container --enable-status-subresource=true --service-name=stash-operator --enable-analytics=true";

    private const string InvokerList =
        "restore --invoker-kind=RestoreSession --invoker-name=sts-restore --target-kind=StatefulSet --target-name=recovered-sts --target-namespace=demo --enable-cache=true --max-connections=0 --metrics-enabled=true --pushgateway-url=http://stash.kube-system.svc:56789 --restore-model=init-container --use-kubeapiserver-fqdn-for-aks=true --logtostderr=true --alsologtostderr=false --v=3";

    public static TheoryData<string> OperatorArgumentLists => new() { SessionList, InvokerList };

    private static CliHost Host() => new(new Dictionary<string, string>(), TextWriter.Null, TextWriter.Null, TimeProvider.System,
        new ProcessRunner(), "test", false, new Interruption());

    [Theory]
    [MemberData(nameof(OperatorArgumentLists))]
    public void Operator_argument_lists_parse_without_errors(string commandLine)
    {
        var parse = CliApp.Build(Host()).Parse(commandLine);
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
        Assert.Equal(3, parse.GetValue<int>("--v"));
    }

    [Fact]
    public void An_unknown_flag_is_an_error() =>
        Assert.NotEmpty(CliApp.Build(Host()).Parse("restore --no-such-flag=1").Errors);
}
