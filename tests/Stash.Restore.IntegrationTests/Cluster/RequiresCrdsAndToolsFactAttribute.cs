using Stash.Restore.IntegrationTests.Backends;

namespace Stash.Restore.IntegrationTests.Cluster;

/// <summary>A fact that needs ../shared/crds and the named test tools; says which one is missing.</summary>
public sealed class RequiresCrdsAndToolsFactAttribute : FactAttribute
{
    public RequiresCrdsAndToolsFactAttribute(params TestTool[] tools)
    {
        Skip = Stash.Restore.TestApiServer.TestApiServer.FindSharedCrdDirectory() is null
            ? "skipped: ../shared/crds not found (walked up from the test binary to StashRestore.slnx, then ../shared/crds); CRD-backed API server tests need it"
            : tools.Select(TestTools.SkipReason).FirstOrDefault(reason => reason is not null);
    }
}

/// <summary>A theory that needs ../shared/crds and the named test tools; says which one is missing.</summary>
public sealed class RequiresCrdsAndToolsTheoryAttribute : TheoryAttribute
{
    public RequiresCrdsAndToolsTheoryAttribute(params TestTool[] tools)
    {
        Skip = new RequiresCrdsAndToolsFactAttribute(tools).Skip;
    }
}
