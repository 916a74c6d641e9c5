using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>A restore rule resolved for one host: which rule (by index) and the source host it reads.</summary>
/// <param name="Place">Where the rule sits in the manifest, for messages: <c>spec.target.rules[1]</c> or <c>spec.rules[1]</c>.</param>
internal sealed record ResolvedRule(int Index, RestoreRule Rule, string SourceHost, string Place = "")
{
    /// <summary>How messages and plans name the rule.</summary>
    public string Name => Place.Length > 0 ? Place : $"rule {Index}";
}
