using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Platform;
using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Cli;

/// <summary>
/// Everything the commands take from the outside world. <see cref="Program"/> builds the real one;
/// tests build their own (string writers, a chosen environment) and invoke in-process.
/// </summary>
internal sealed record CliHost(
    IReadOnlyDictionary<string, string> Environment,
    TextWriter Output,
    TextWriter Error,
    TimeProvider Clock,
    IProcessRunner ProcessRunner,
    string? OsHostName,
    bool ErrorIsTerminal,
    Interruption Interruption)
{
    /// <summary>Randomness that is not a secret (jitter, unique names): the one generator of the run, handed to the parts that need it.</summary>
    public IRandomSource Random { get; init; } = new SystemRandomSource();

    /// <summary>
    /// Leaves the process's system certificate store unread when nothing uses it
    /// (<see cref="SystemCertificateStore"/>). A process-wide change, so only the real process
    /// makes it; in-process tests leave it null and the test process untouched.
    /// </summary>
    public Action? LeaveSystemCertificateStoreUnread { get; init; }

    /// <summary>
    /// The cgroup files of the executor's container (memory limit, CPU quota, OOM kills), which restic's
    /// Go runtime is fitted to. Null reads none: in-process tests leave the test machine's limits out
    /// unless they give sample files.
    /// </summary>
    public CgroupFiles? Cgroups { get; init; }

    public static CliHost FromProcess(IProcessRunner runner, Interruption interruption)
    {
        var environment = System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        // The copy above is also what every child process is given (Process.Start reads .NET's copy,
        // not the C environment), which SystemCertificateStore relies on.
        return new CliHost(environment, Console.Out, Console.Error, TimeProvider.System, runner,
            System.Net.Dns.GetHostName(), !Console.IsErrorRedirected, interruption)
        {
            LeaveSystemCertificateStoreUnread = SystemCertificateStore.LeaveUnread,
            Cgroups = new CgroupFiles(CgroupFiles.DefaultCgroupRoot, "/proc/self"),
        };
    }
}
