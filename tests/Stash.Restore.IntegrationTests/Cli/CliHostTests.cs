using Stash.Restore.Cli;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.IntegrationTests.Cli;

/// <summary>What the real process hands the commands: its environment, its name on the network.</summary>
public sealed class CliHostTests
{
    [Fact]
    public void The_processs_environment_as_it_is_now_is_what_the_run_and_its_children_are_given()
    {
        var name = "STASH_RESTORE_CLI_HOST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "given by the pod spec");
        try
        {
            var host = CliHost.FromProcess(new ProcessRunner(), new Interruption());

            Assert.Equal("given by the pod spec", host.Environment[name]);
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), host.Environment["PATH"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void The_machines_host_name_is_the_one_a_pod_without_POD_NAME_falls_back_to()
    {
        var host = CliHost.FromProcess(new ProcessRunner(), new Interruption());

        Assert.Equal(System.Net.Dns.GetHostName(), host.OsHostName);
    }
}
