namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// A benchmark written as a test (it checks its own results: every unit's entry exactly once): out of
/// the default run, which it would slow down, and run by <c>bench/status-contention.sh</c>, which sets
/// <c>STASH_BENCH=1</c>. Needs ../shared/crds like every CRD-backed test.
/// </summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public const string Switch = "STASH_BENCH";

    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Switch) != "1")
            Skip = $"skipped: a benchmark, not a test of the default run; bench/status-contention.sh runs it ({Switch}=1)";
        else if (Stash.Restore.TestApiServer.TestApiServer.FindSharedCrdDirectory() is null)
            Skip = "skipped: ../shared/crds not found (walked up from the test binary to StashRestore.slnx, then ../shared/crds); CRD-backed API server tests need it";
    }
}
