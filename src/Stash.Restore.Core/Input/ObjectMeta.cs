namespace Stash.Restore.Core.Input;

/// <summary>The metadata fields the executor reads of a CRD object (RestoreSession, Repository, Snapshot, …), in the families' own models.</summary>
internal sealed record ObjectMeta
{
    public string? Name { get; init; }
    public string? Namespace { get; init; }
    public string? Uid { get; init; }
    public string? ResourceVersion { get; init; }
    public long? Generation { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    public Dictionary<string, string>? Annotations { get; init; }
}
