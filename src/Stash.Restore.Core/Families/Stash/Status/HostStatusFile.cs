using System.Text.Json;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Offline status: the RestoreSession's <c>status</c> as the API would hold it after this host's
/// upserts, kept in a JSON file (<see cref="StatusFile"/>: shared by executors, replaced whole).
/// </summary>
/// <param name="random">Names the temporary file of each write; the system generator when not given.</param>
/// <exception cref="InvalidInputException">The path names something other than a regular file.</exception>
internal sealed class HostStatusFile(string path, RestoreSessionStatus? initial, IRandomSource? random = null) : IHostStatusStore
{
    private readonly StatusFile _file = new(path, random);

    public string Path => _file.Path;

    public Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken) =>
        Task.FromResult(HostStatusUpserts.FindHost(Read(), hostname));

    public Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken) =>
        ChangeAsync(status => HostStatusUpserts.UpsertHost(status, entry), cancellationToken);

    public Task SetConditionAsync(Condition condition, CancellationToken cancellationToken) =>
        ChangeAsync(status => HostStatusUpserts.UpsertCondition(status, condition), cancellationToken);

    public RestoreSessionStatus? Read() => Parse(_file.ReadText());

    private RestoreSessionStatus? Parse(string? text)
    {
        if (text is null)
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

    private Task ChangeAsync(Func<RestoreSessionStatus?, RestoreSessionStatus> change, CancellationToken cancellationToken) =>
        _file.ReplaceAsync(text => JsonSerializer.Serialize(change(Parse(text)), StatusJson.Indented.RestoreSessionStatus), cancellationToken);
}
