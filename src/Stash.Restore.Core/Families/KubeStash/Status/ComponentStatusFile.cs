using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Offline status (<c>--status-file</c>): the session's <c>status</c> as the API would hold it after
/// this component's merge patches, kept in a JSON file (<see cref="StatusFile"/>: shared by executors,
/// one per component, replaced whole).
/// </summary>
/// <param name="path">The status file.</param>
/// <param name="initial">The session's status when the file does not exist yet (from the RestoreSession read).</param>
/// <param name="random">Names the temporary file of each write; the system generator when not given.</param>
/// <exception cref="InvalidInputException">The path names something other than a regular file.</exception>
internal sealed class ComponentStatusFile(string path, JsonObject? initial, IRandomSource? random = null) : IComponentStatusStore
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly StatusFile _file = new(path, random);

    public string Path => _file.Path;

    /// <summary>The status document now (the file, or the initial status).</summary>
    public JsonObject Read() => Parse(_file.ReadText());

    private JsonObject Parse(string? text)
    {
        if (text is null)
            return (initial?.DeepClone() as JsonObject) ?? [];
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new InvalidInputException($"status file '{Path}' does not hold a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"status file '{Path}' is not JSON: {e.Message}", e);
        }
    }

    /// <summary>The status as the typed model (for restart checks).</summary>
    public RestoreSessionStatus? ReadStatus() => Read().Deserialize(KubeStashJsonContext.Default.RestoreSessionStatus);

    public Task<RestoreSessionStatus?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(ReadStatus());

    public Task PatchAsync(JsonObject patchBody, CancellationToken cancellationToken) => ApplyAsync(patchBody, cancellationToken);

    /// <summary>Applies a <see cref="ComponentStatusPatch"/> body (<c>{"status": …}</c>) to the file.</summary>
    public Task ApplyAsync(JsonObject patchBody, CancellationToken cancellationToken)
    {
        var statusPatch = patchBody["status"] ?? throw new ArgumentException("a status patch body has a \"status\" member", nameof(patchBody));
        return _file.ReplaceAsync(text => JsonMergePatch.Apply(Parse(text), statusPatch)?.ToJsonString(Indented) ?? "{}", cancellationToken);
    }
}
