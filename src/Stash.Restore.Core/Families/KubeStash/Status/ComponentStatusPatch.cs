using System.Text.Json.Nodes;
using System.Text.Json;
using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// The JSON merge-patch bodies the executor sends to the RestoreSession's <c>/status</c>
/// (SPEC §13). Each touches only <c>status.components[&lt;component&gt;]</c> — <c>components</c> is a
/// granular map, so executors of other components never clobber each other — and never the
/// operator's <c>phase</c>, <c>totalComponents</c>, <c>duration</c>, <c>conditions</c>, <c>hooks</c>.
/// </summary>
internal static class ComponentStatusPatch
{
    public const string ContentType = "application/merge-patch+json";

    /// <summary>
    /// <c>{phase: Running}</c>; a retry also clears the previous attempt's <c>error</c>, <c>duration</c>
    /// and <c>progress</c> so the entry never shows Running with an old failure.
    /// </summary>
    public static JsonObject Running(string component) => Body(component, new JsonObject
    {
        ["phase"] = ComponentPhase.Running,
        ["progress"] = null,
        ["duration"] = null,
        ["error"] = null,
    });

    /// <summary><c>{progress: {…}}</c> in KubeStash's shape.</summary>
    public static JsonObject Progress(string component, RestoreProgress progress) => Body(component, new JsonObject
    {
        ["progress"] = JsonSerializer.SerializeToNode(progress, KubeStashJsonContext.Default.RestoreProgress),
    });

    /// <summary><c>{phase: Succeeded, duration}</c>; removes any error left by an earlier attempt.</summary>
    public static JsonObject Succeeded(string component, TimeSpan duration) => Body(component, new JsonObject
    {
        ["phase"] = ComponentPhase.Succeeded,
        ["duration"] = GoDuration.Format(duration),
        ["error"] = null,
    });

    /// <summary><c>{phase: Failed, duration, error}</c>. <paramref name="error"/> must already be masked.</summary>
    public static JsonObject Failed(string component, TimeSpan duration, string error) => Body(component, new JsonObject
    {
        ["phase"] = ComponentPhase.Failed,
        ["duration"] = GoDuration.Format(duration),
        ["error"] = string.IsNullOrWhiteSpace(error) ? "restore failed" : error,
    });

    /// <summary>True when the component's entry is <c>Succeeded</c>: a restarted executor skips it (a Failed one is retried).</summary>
    public static bool AlreadySucceeded(RestoreSessionStatus? status, string component) =>
        status?.Components?.GetValueOrDefault(component)?.Phase == ComponentPhase.Succeeded;

    private static JsonObject Body(string component, JsonObject entry) => new()
    {
        ["status"] = new JsonObject { ["components"] = new JsonObject { [component] = entry } },
    };
}
