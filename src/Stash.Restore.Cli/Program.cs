using System.Runtime.InteropServices;
using Stash.Restore.Core;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var interruption = new Interruption();
        using var stop = new CancellationTokenSource();
        // SIGTERM is the kubelet stopping the pod: restic is stopped, the host recorded Failed,
        // and we exit 143 well inside the grace period instead of being killed mid-write.
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Interrupt(context, "terminated by SIGTERM", ExitCodes.Terminated));
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Interrupt(context, "interrupted by SIGINT", ExitCodes.Interrupted));

        var host = CliHost.FromProcess(new ProcessRunner(), interruption);
        return await CliApp.RunAsync(host, args, stop.Token);

        void Interrupt(PosixSignalContext context, string reason, int exitCode)
        {
            context.Cancel = true;
            if (interruption.Reason is not null)
                return;
            interruption.Record(reason, exitCode);
            stop.Cancel();
        }
    }
}
