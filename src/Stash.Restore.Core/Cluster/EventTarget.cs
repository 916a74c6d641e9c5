namespace Stash.Restore.Core.Cluster;

/// <summary>The object Events are recorded on (their <c>involvedObject</c>): a session of either API family.</summary>
internal sealed record EventTarget(string ApiVersion, string Kind, string Namespace, string Name, string? Uid)
{
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}
