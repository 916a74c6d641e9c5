using System.Globalization;

namespace Stash.Restore.Core.Processes.Cgroups;

/// <summary>
/// The memory cgroup's count of processes the kernel's OOM killer ended: the <c>oom_kill</c> line of
/// <c>memory.events</c> (cgroup v2) or <c>memory.oom_control</c> (cgroup v1). Read before and after a
/// child that died by SIGKILL, it tells an OOM kill from a SIGKILL someone sent.
/// </summary>
/// <param name="File">The counter's file in the process's own memory cgroup.</param>
internal sealed record OomKillCounter(string File)
{
    /// <summary>The count now; null when the file cannot be read or has no <c>oom_kill</c> line (kernels before 4.13).</summary>
    public long? Read()
    {
        try
        {
            foreach (var line in System.IO.File.ReadLines(File))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields is ["oom_kill", var count] && long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                    return value;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
