namespace Stash.Restore.Core.Cluster;

/// <summary>
/// What a family's claims are called: the Lease name's prefix and the unit's kind in log lines.
/// Stash hosts keep <c>stash-restore-&lt;session&gt;-&lt;host&gt;</c>; KubeStash components get their own
/// prefix so a Stash and a KubeStash session of the same name never share a Lease.
/// </summary>
/// <param name="LogProperty">The log property that names the unit, so claim lines carry the run's usual prefix.</param>
internal sealed record LeaseClaimScope(string LeasePrefix, string UnitKind, string LogProperty);
