namespace Stash.Restore.Core.Families.Stash;

/// <summary>Which RestoreSession to restore, and the target the operator says it is for.</summary>
/// <param name="TargetKind">--target-kind; must match spec.target.ref when given.</param>
internal sealed record SessionSelector(string Namespace, string Name, string? TargetKind = null, string? TargetName = null, string? TargetNamespace = null);
