using System.CommandLine;
using System.Reflection;
using Stash.Restore.Core;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Cli.Commands;

internal static class VersionCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("version", "Print stash-restore's version and the restic version found on PATH.");
        var compatibility = new OperatorCompatibilityFlags();
        compatibility.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await compatibility.WarnAsync(parseResult, host.Error);
            await host.Output.WriteLineAsync($"stash-restore {OwnVersion()}");
            try
            {
                var restic = await ResticLocator.FindAsync(host.ProcessRunner, host.Environment, cancellationToken);
                await host.Output.WriteLineAsync($"restic {restic.Version} ({restic.Path})");
                return ExitCodes.Success;
            }
            catch (RestoreException e)
            {
                await host.Output.WriteLineAsync($"restic: {e.Message}");
                return e.ExitCode;
            }
        });
        return command;
    }

    public static string OwnVersion() =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
}
