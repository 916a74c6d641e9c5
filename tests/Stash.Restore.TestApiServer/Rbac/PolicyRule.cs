using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer.Rbac;

/// <summary>
/// One <c>rbac.authorization.k8s.io/v1</c> PolicyRule, matched exactly as kube-apiserver's RBAC
/// authorizer matches it (k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go and
/// plugin/pkg/auth/authorizer/rbac RuleAllows).
/// </summary>
public sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    private const string All = "*";

    /// <summary>A rule for resources, as <c>kubectl create role --verb … --resource …</c> would write it.</summary>
    public static PolicyRule ForResources(string[] verbs, string[] apiGroups, string[] resources, params string[] resourceNames) =>
        new(verbs, apiGroups, resources, resourceNames, []);

    /// <summary>RuleAllows: whether this rule grants the request.</summary>
    public bool Allows(AccessRequest request)
    {
        if (!request.IsResourceRequest)
            return VerbMatches(request.Verb) && NonResourceUrlMatches(request.Path);
        var combined = string.IsNullOrEmpty(request.Subresource) ? request.Resource : $"{request.Resource}/{request.Subresource}";
        return VerbMatches(request.Verb)
            && ApiGroupMatches(request.Group)
            && ResourceMatches(combined, request.Subresource ?? "")
            && ResourceNameMatches(request.Name ?? "");
    }

    public bool VerbMatches(string requested) => Verbs.Any(v => v == All || v == requested);

    public bool ApiGroupMatches(string requested) => ApiGroups.Any(g => g == All || g == requested);

    /// <summary>
    /// <c>*</c> matches everything, subresources too; otherwise an exact <c>resource</c> or
    /// <c>resource/subresource</c>; and <c>*/subresource</c> matches that subresource of any resource.
    /// A rule for <c>pods</c> does not grant <c>pods/exec</c>, and there is no <c>pods/*</c>.
    /// </summary>
    public bool ResourceMatches(string combinedRequested, string requestedSubresource)
    {
        foreach (var resource in Resources)
        {
            if (resource == All || resource == combinedRequested)
                return true;
            if (requestedSubresource.Length == 0)
                continue;
            if (resource.Length == requestedSubresource.Length + 2 && resource.StartsWith("*/", StringComparison.Ordinal)
                && resource.EndsWith(requestedSubresource, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>No names: every name (and requests without one, such as list and create); otherwise the name must be listed.</summary>
    public bool ResourceNameMatches(string requested) => ResourceNames.Count == 0 || ResourceNames.Contains(requested);

    public bool NonResourceUrlMatches(string requested) =>
        NonResourceUrls.Any(url => url == All || url == requested
            || (url.EndsWith('*') && requested.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal)));

    /// <summary>The rule as stored (<c>rules[i]</c> of a Role or ClusterRole).</summary>
    internal static PolicyRule FromJson(JsonNode? node) => new(
        Strings(node?["verbs"]), Strings(node?["apiGroups"]), Strings(node?["resources"]), Strings(node?["resourceNames"]), Strings(node?["nonResourceURLs"]));

    internal JsonObject ToJson()
    {
        var rule = new JsonObject { ["verbs"] = Array(Verbs) };
        if (ApiGroups.Count > 0)
            rule["apiGroups"] = Array(ApiGroups);
        if (Resources.Count > 0)
            rule["resources"] = Array(Resources);
        if (ResourceNames.Count > 0)
            rule["resourceNames"] = Array(ResourceNames);
        if (NonResourceUrls.Count > 0)
            rule["nonResourceURLs"] = Array(NonResourceUrls);
        return rule;
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    internal static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "")] : [];
}

/// <summary>The authorizer's view of a request: who asks, and what (k8s.io/apiserver authorizer.Attributes).</summary>
public sealed record AccessRequest(
    string User,
    IReadOnlyList<string> Groups,
    string Verb,
    string Group,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    bool IsResourceRequest = true,
    string Path = "");
