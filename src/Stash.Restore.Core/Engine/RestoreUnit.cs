namespace Stash.Restore.Core.Engine;

/// <summary>
/// The one thing an executor run restores: a Stash host (<c>host-1</c>) or a KubeStash component
/// (<c>dump-pod-0</c>). The engine knows it only by these words.
/// </summary>
/// <param name="Kind">What the family calls it, for messages: <c>host</c> or <c>component</c>.</param>
/// <param name="Name">Its name in status, claims and events.</param>
internal sealed record RestoreUnit(string Kind, string Name)
{
    public override string ToString() => $"{Kind} \"{Name}\"";
}
