using Stash.Restore.Core.Processes.Cgroups;

namespace Stash.Restore.Core.Tests.Processes.Cgroups;

/// <summary>The memory cgroup's OOM-kill count, as cgroup v2 and v1 kernels write it.</summary>
public sealed class OomKillCounterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("oom-counter-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void The_oom_kill_line_of_memory_events_or_memory_oom_control_is_the_count()
    {
        Assert.Equal(3, new OomKillCounter(Write("memory.events", "low 0\nhigh 0\nmax 12\noom 4\noom_kill 3\noom_group_kill 0\n")).Read());
        Assert.Equal(7, new OomKillCounter(Write("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 7\n")).Read());
    }

    [Fact]
    public void An_oom_counter_without_an_oom_kill_line_reads_as_unknown()
    {
        Assert.Null(new OomKillCounter(Write("old-kernel-memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n")).Read());
        Assert.Null(new OomKillCounter(Path.Combine(_root, "missing")).Read());
        Assert.Null(new OomKillCounter(Write("garbled", "oom_kill many\n")).Read());
    }
}
