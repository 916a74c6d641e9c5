using Microsoft.AspNetCore.Http;

namespace Stash.Restore.TestApiServer;

/// <summary>pods/exec over WebSocket (channel.k8s.io), simulated with local child processes.</summary>
internal static class PodExec
{
    public static Task<int> ServeAsync(HttpContext context, ObjectStore store, ResourceType type, string ns, string name)
    {
        _ = context;
        _ = store;
        _ = type;
        _ = ns;
        _ = name;
        throw ApiErrors.BadRequest("pods/exec is not implemented by the test API server yet");
    }
}
