using Stash.Restore.Core.Processes;

namespace Stash.Restore.IntegrationTests.Backends;

/// <summary>A program the backend tests need, installed by scripts/setup.sh.</summary>
public enum TestTool
{
    Restic014,
    RestServer,
    Pushgateway,
    Moto,
    S3rver,
    Strace,
}

/// <summary>
/// Where scripts/setup.sh puts the test servers and the older restic: a private folder
/// (<c>STASH_TEST_TOOLS</c>, default <c>/opt/stash-restore-test-tools</c>); moto_server is
/// looked up on PATH (Python's moto, or Debian's python3-moto).
/// </summary>
internal static class TestTools
{
    public const string DefaultRoot = "/opt/stash-restore-test-tools";

    public static string Root =>
        Environment.GetEnvironmentVariable("STASH_TEST_TOOLS") is { Length: > 0 } root ? root : DefaultRoot;

    /// <summary>Debian 12's restic 0.14.0, extracted from its package (never the system's restic).</summary>
    public static string Restic014 => Path.Combine(Root, "restic-0.14", "usr", "bin", "restic");

    public static string RestServer => Path.Combine(Root, "rest-server", "usr", "bin", "restic-rest-server");

    public static string Pushgateway => Path.Combine(Root, "pushgateway", "usr", "bin", "prometheus-pushgateway");

    public static string S3rver => Path.Combine(Root, "s3rver", "node_modules", ".bin", "s3rver");

    public static string? MotoServer => ProgramLocator.Find("moto_server", Environment.GetEnvironmentVariable("PATH"));

    /// <summary>strace, to watch which files a process opens (Debian's strace).</summary>
    public static string? Strace => ProgramLocator.Find("strace", Environment.GetEnvironmentVariable("PATH"));

    /// <summary>The program's path, or null when it is not installed.</summary>
    public static string? Find(TestTool tool) => tool switch
    {
        TestTool.Moto => MotoServer,
        TestTool.Strace => Strace,
        _ => File.Exists(PathOf(tool)) ? PathOf(tool) : null,
    };

    /// <summary>Why a test needing <paramref name="tool"/> is skipped, or null when it can run.</summary>
    public static string? SkipReason(TestTool tool) => Find(tool) is not null
        ? null
        : tool == TestTool.Moto
            ? "skipped: moto_server not found on PATH (Python moto; scripts/setup.sh installs Debian's python3-moto)"
            : tool == TestTool.Strace
            ? "skipped: strace not found on PATH (scripts/setup.sh installs Debian's strace)"
            : $"skipped: {PathOf(tool)} not found (scripts/setup.sh, run as root, installs it; STASH_TEST_TOOLS moves the folder)";

    /// <summary>PATH with restic 0.14's folder first, so the executor's PATH lookup finds it.</summary>
    public static string PathWithRestic014() =>
        $"{Path.GetDirectoryName(Restic014)}:{Environment.GetEnvironmentVariable("PATH")}";

    private static string PathOf(TestTool tool) => tool switch
    {
        TestTool.Restic014 => Restic014,
        TestTool.RestServer => RestServer,
        TestTool.Pushgateway => Pushgateway,
        TestTool.S3rver => S3rver,
        _ => "moto_server",
    };
}

/// <summary>Runs a test only when the named tools are installed; says plainly which one is missing.</summary>
public sealed class RequiresToolFactAttribute : FactAttribute
{
    public RequiresToolFactAttribute(params TestTool[] tools)
    {
        Skip = tools.Select(TestTools.SkipReason).FirstOrDefault(r => r is not null);
    }
}

/// <summary>The theory form of <see cref="RequiresToolFactAttribute"/>.</summary>
public sealed class RequiresToolTheoryAttribute : TheoryAttribute
{
    public RequiresToolTheoryAttribute(params TestTool[] tools)
    {
        Skip = tools.Select(TestTools.SkipReason).FirstOrDefault(r => r is not null);
    }
}
