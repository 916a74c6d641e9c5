namespace Stash.Restore.Core.Engine;

/// <summary>Phases of one unit's status entry, spelled as both families' schemas spell them.</summary>
internal static class UnitPhase
{
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Unknown = "Unknown";
}
