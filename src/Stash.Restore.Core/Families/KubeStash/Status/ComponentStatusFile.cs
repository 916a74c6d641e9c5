using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Offline status (<c>--status-file</c>): the session's <c>status</c> as the API would hold it after
/// this component's merge patches. Several executors (one per component) may share the file: each
/// patch is a locked read-modify-write, replaced atomically.
/// </summary>
/// <param name="path">The status file.</param>
/// <param name="initial">The session's status when the file does not exist yet (from the RestoreSession read).</param>
/// <param name="random">Names the temporary file of each write; the system generator when not given.</param>
internal sealed class ComponentStatusFile(string path, JsonObject? initial, IRandomSource? random = null) : IComponentStatusStore
{
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(30);
    private readonly IRandomSource _random = random ?? new SystemRandomSource();
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The status document now (the file, or the initial status).</summary>
    public JsonObject Read()
    {
        if (!File.Exists(Path))
            return (initial?.DeepClone() as JsonObject) ?? [];
        var text = File.ReadAllText(Path);
        if (string.IsNullOrWhiteSpace(text))
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
    public async Task ApplyAsync(JsonObject patchBody, CancellationToken cancellationToken)
    {
        var statusPatch = patchBody["status"] ?? throw new ArgumentException("a status patch body has a \"status\" member", nameof(patchBody));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var held = await LockAsync(cancellationToken).ConfigureAwait(false);
        var updated = JsonMergePatch.Apply(Read(), statusPatch);
        var temporary = $"{Path}.tmp-{_random.HexDigits(32)}";
        await File.WriteAllTextAsync(temporary, updated?.ToJsonString(Indented) ?? "{}", cancellationToken).ConfigureAwait(false);
        File.Move(temporary, Path, overwrite: true);
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < LockPatience)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
