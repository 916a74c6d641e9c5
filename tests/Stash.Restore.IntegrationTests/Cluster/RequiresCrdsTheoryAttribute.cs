namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>A theory that runs only when ../shared/crds exists (as <c>RequiresCrdsFact</c> for facts).</summary>
public sealed class RequiresCrdsTheoryAttribute : TheoryAttribute
{
    public RequiresCrdsTheoryAttribute()
    {
        if (Stash.Restore.TestApiServer.TestApiServer.FindSharedCrdDirectory() is null)
            Skip = "skipped: ../shared/crds not found (walked up from the test binary to StashRestore.slnx, then ../shared/crds); CRD-backed API server tests need it";
    }
}
