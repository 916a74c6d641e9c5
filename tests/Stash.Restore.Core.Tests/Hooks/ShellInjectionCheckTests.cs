using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Hooks;

/// <summary>A warning for an exec hook that runs a shell and pastes <c>{{ .Status.Error }}</c> into its script unquoted.</summary>
public sealed class ShellInjectionCheckTests
{
    [Theory]
    [InlineData(true, "/bin/sh", "-c", "notify 'failed: {{ .Status.Error }}'")]
    [InlineData(true, "bash", "-ec", "notify {{.Status.Error}}")]
    [InlineData(true, "/usr/bin/env", "bash", "-c", "notify {{ .Status.Error }}")]
    [InlineData(false, "/bin/sh", "-c", "notify {{ .Status.Error | squote }}")]
    [InlineData(false, "/bin/sh", "-c", "notify {{ quote .Status.Error }}")]
    [InlineData(false, "/bin/sh", "-c", "notify {{ .Status.Phase }}")]
    [InlineData(false, "/bin/sh", "-e", "script.sh", "{{ .Status.Error }}")] // no -c: the argument is not shell code
    [InlineData(false, "/usr/local/bin/notify", "-c", "{{ .Status.Error }}")] // not a shell
    public void Warns_only_for_a_shell_script_with_the_error_unquoted(bool warns, params string[] command)
    {
        var warnings = ShellInjectionCheck.Warnings(new HookSpec { Exec = new ExecAction { Command = [.. command] } });

        if (!warns)
        {
            Assert.Empty(warnings);
            return;
        }
        var warning = Assert.Single(warnings);
        Assert.Matches(@"^exec\.command\[\d\] pastes \{\{ ?\.Status\.Error ?\}\} into a shell script unquoted; restic's error can carry file names from the backup: write \{\{ \.Status\.Error \| squote \}\}$", warning);
    }

    [Fact]
    public void A_hook_without_exec_has_no_warning()
    {
        Assert.Empty(ShellInjectionCheck.Warnings(new HookSpec { HttpGet = new HttpGetAction { Path = "/{{ .Status.Error }}" } }));
    }
}
