using System.Text.RegularExpressions;

namespace Stash.Restore.Core.Input;

/// <summary>
/// Field places as Kubernetes and the manifest's readers write them: <c>spec.target.rules[0].paths</c>;
/// a key that is not a plain name is bracketed (<c>metadata.annotations["app.kubernetes.io/name"]</c>).
/// The YAML position map and the shape check both build places here, so they always agree.
/// </summary>
internal static partial class ManifestPath
{
    public static string Property(string parent, string name)
    {
        if (!PlainName().IsMatch(name))
            return $"{parent}[\"{name}\"]";
        return parent.Length == 0 ? name : $"{parent}.{name}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>
    /// The place a validator's message starts with (<c>spec.target.rules[1]</c> of
    /// <c>spec.target.rules[1]: a second rule…</c>, <c>metadata.name</c> of <c>metadata.name is empty</c>), or null.
    /// </summary>
    public static string? LeadingPlace(string message)
    {
        var match = LeadingPlacePattern().Match(message);
        return match.Success ? match.Value : null;
    }

    /// <summary>True when one place lies inside the other (or they are the same field).</summary>
    public static bool Overlap(string a, string b) => Within(a, b) || Within(b, a);

    private static bool Within(string inner, string outer) =>
        inner.StartsWith(outer, StringComparison.Ordinal)
        && (inner.Length == outer.Length || inner[outer.Length] is '.' or '[');

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$-]*$")]
    private static partial Regex PlainName();

    [GeneratedRegex(@"^(apiVersion|kind|metadata|spec|status)(\.[A-Za-z_$][A-Za-z0-9_$-]*|\[\d+\])*")]
    private static partial Regex LeadingPlacePattern();
}
