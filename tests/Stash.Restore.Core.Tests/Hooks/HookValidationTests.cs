using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Hooks;

public sealed class HookValidationTests
{
    private static readonly (HookSpec Hook, HookStage Stage, string Expected)[] Cases =
    [
        (new HookSpec(), HookStage.PreRestore, "spec.hooks.preRestore: no handler"),
        (
            new HookSpec { Exec = new ExecAction { Command = ["true"] }, TcpSocket = new TcpSocketAction { Port = IntOrString.FromNumber(1) } },
            HookStage.PreRestore, "spec.hooks.preRestore: set only one handler, found exec, tcpSocket"
        ),
        (new HookSpec { Exec = new ExecAction { Command = [] } }, HookStage.PostRestore, "spec.hooks.postRestore: exec.command is empty"),
        (new HookSpec { HttpGet = new HttpGetAction() }, HookStage.PreRestore, "httpGet.port is required"),
        (new HookSpec { TcpSocket = new TcpSocketAction { Port = IntOrString.FromNumber(70000) } }, HookStage.PreRestore, "tcpSocket.port 70000 is not in 1-65535"),
        (
            new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromNumber(80), Scheme = "ftp" } },
            HookStage.PreRestore, "httpGet.scheme \"ftp\" is not HTTP or HTTPS"
        ),
        (
            new HookSpec { HttpPost = new HttpPostAction { Port = IntOrString.FromNumber(80), Body = "x", Form = [new FormEntry { Key = "k", Values = ["v"] }] } },
            HookStage.PreRestore, "httpPost sets both body and form"
        ),
        (
            new HookSpec { Exec = new ExecAction { Command = ["true"] }, ExecutionPolicy = "Sometimes" },
            HookStage.PostRestore, "executionPolicy \"Sometimes\" is not one of Always, OnSuccess, OnFailure"
        ),
        (
            new HookSpec { HttpGet = new HttpGetAction { Port = IntOrString.FromNumber(80), Path = "/{{ .Status.Phase }}" } },
            HookStage.PreRestore, "field .Status.Phase is only available to postRestore hooks"
        ),
        (
            new HookSpec { HttpPost = new HttpPostAction { Port = IntOrString.FromNumber(80), HttpHeaders = [new HttpHeader { Name = "X", Value = "{{ .Token }}" }] } },
            HookStage.PostRestore, "unknown field .Token"
        ),
    ];

    public static TheoryData<int> CaseIndexes => new(Enumerable.Range(0, Cases.Length));

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Hooks_that_can_never_work_are_invalid_input(int index)
    {
        var (hook, stage, expected) = Cases[index];
        var error = Assert.Throws<InvalidInputException>(() => HookValidation.Validate(hook, stage));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_well_formed_hook_passes()
    {
        var hook = new HookSpec
        {
            HttpPost = new HttpPostAction
            {
                Port = IntOrString.FromName("http"),
                Scheme = "HTTPS",
                Path = "/hooks/{{ .Name }}/{{ .Status.Phase }}",
                Form = [new FormEntry { Key = "host", Values = ["{{ .Hostname }}"] }],
            },
            ExecutionPolicy = "OnFailure",
        };

        HookValidation.Validate(hook, HookStage.PostRestore);
    }
}
