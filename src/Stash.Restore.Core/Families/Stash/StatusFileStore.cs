using System.Text.Json;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Offline status: the RestoreSession's <c>status</c> as the API would hold it after this host's
/// upserts, kept in a JSON file. Several executors may share one file (one per host): each
/// change is a locked read-modify-write, replaced atomically.
/// </summary>
/// <param name="random">Names the temporary file of each write; the system generator when not given.</param>
internal sealed class StatusFileStore(string path, RestoreSessionStatus? initial, IRandomSource? random = null) : IHostStatusStore
{
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(30);
    private readonly IRandomSource _random = random ?? new SystemRandomSource();

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken) =>
        Task.FromResult(StatusUpserts.FindHost(Read(), hostname));

    public Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken) =>
        ChangeAsync(status => StatusUpserts.UpsertHost(status, entry), cancellationToken);

    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken) =>
        ChangeAsync(status => StatusUpserts.UpsertCondition(status, condition), cancellationToken);

    public RestoreSessionStatus? Read()
    {
        if (!File.Exists(Path))
            return initial;
        var text = File.ReadAllText(Path);
        if (string.IsNullOrWhiteSpace(text))
            return initial;
        try
        {
            return JsonSerializer.Deserialize(text, StashJsonContext.Default.RestoreSessionStatus);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"status file '{Path}' is not a RestoreSession status: {e.Message}", e);
        }
    }

    private async Task ChangeAsync(Func<RestoreSessionStatus?, RestoreSessionStatus> change, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        await using var held = await LockAsync(cancellationToken);
        var updated = change(Read());
        var temporary = $"{Path}.tmp-{_random.HexDigits(32)}";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(updated, StatusJson.Indented.RestoreSessionStatus), cancellationToken);
        File.Move(temporary, Path, overwrite: true);
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < LockPatience)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}

/// <summary>Indented output for status files and printed status.</summary>
internal static class StatusJson
{
    public static readonly StashJsonContext Indented = new(new JsonSerializerOptions(StashJsonContext.Default.Options) { WriteIndented = true });
}
