using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer.Rbac;

/// <summary>The authorizer's answer: allowed or not, and why not when a binding could not be resolved.</summary>
public sealed record AccessDecision(bool Allowed, string? Reason = null);

/// <summary>
/// kube-apiserver's RBAC authorizer over the Roles, ClusterRoles, RoleBindings and ClusterRoleBindings
/// stored in the test API server (k8s.io/kubernetes pkg/registry/rbac/validation/rule.go
/// DefaultRuleResolver.VisitRulesFor): every ClusterRoleBinding applies everywhere; a RoleBinding applies
/// in its own namespace only, whether it refers to a Role of that namespace or to a ClusterRole.
/// A request is allowed when any rule of any binding that applies to the user or one of its groups
/// allows it. Members of <c>system:masters</c> are allowed everything, as by the real server's
/// privileged-group authorizer. Aggregated ClusterRoles are not expanded.
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store)
{
    public const string Group = "rbac.authorization.k8s.io";
    public const string MastersGroup = "system:masters";

    public AccessDecision Authorize(AccessRequest request)
    {
        if (request.Groups.Contains(MastersGroup))
            return new AccessDecision(true);
        var errors = new List<string>();
        foreach (var rule in RulesFor(request.User, request.Groups, request.Namespace, errors))
        {
            if (rule.Allows(request))
                return new AccessDecision(true);
        }
        return new AccessDecision(false, errors.Count == 0 ? null : "RBAC: " + (errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]"));
    }

    /// <summary>Every rule that applies to the user in <paramref name="namespace"/> (cluster-wide ones only when it is empty).</summary>
    public IEnumerable<PolicyRule> RulesFor(string user, IReadOnlyList<string> groups, string? @namespace, List<string>? errors = null)
    {
        foreach (var binding in List("ClusterRoleBinding", null))
        {
            if (AppliesTo(user, groups, binding["subjects"], bindingNamespace: ""))
            {
                foreach (var rule in RoleRules(binding["roleRef"], bindingNamespace: null, errors))
                    yield return rule;
            }
        }
        if (string.IsNullOrEmpty(@namespace))
            yield break;
        foreach (var binding in List("RoleBinding", @namespace))
        {
            if (AppliesTo(user, groups, binding["subjects"], @namespace))
            {
                foreach (var rule in RoleRules(binding["roleRef"], @namespace, errors))
                    yield return rule;
            }
        }
    }

    private List<JsonObject> List(string kind, string? @namespace) =>
        store.Catalog.FindByKind($"{Group}/v1", kind) is { } type ? store.List(type, @namespace) : [];

    private IEnumerable<PolicyRule> RoleRules(JsonNode? roleRef, string? bindingNamespace, List<string>? errors)
    {
        var kind = (string?)roleRef?["kind"];
        var name = (string?)roleRef?["name"] ?? "";
        JsonObject? role = kind switch
        {
            "ClusterRole" => Get("ClusterRole", null, name),
            "Role" when bindingNamespace is not null => Get("Role", bindingNamespace, name),
            _ => null,
        };
        if (role is null)
        {
            errors?.Add(kind is "ClusterRole" or "Role"
                ? $"{kind.ToLowerInvariant()}.{Group} \"{name}\" not found"
                : $"unsupported role reference kind: \"{kind}\"");
            return [];
        }
        return role["rules"] is JsonArray rules ? rules.Select(PolicyRule.FromJson) : [];
    }

    private JsonObject? Get(string kind, string? @namespace, string name) =>
        store.Catalog.FindByKind($"{Group}/v1", kind) is { } type ? store.Get(type, @namespace, name) : null;

    /// <summary>appliesToUser: a User by name, a Group by membership, a ServiceAccount by its user name (namespace defaulting to the binding's).</summary>
    private static bool AppliesTo(string user, IReadOnlyList<string> groups, JsonNode? subjects, string bindingNamespace)
    {
        foreach (var subject in subjects as JsonArray ?? [])
        {
            var name = (string?)subject?["name"] ?? "";
            switch ((string?)subject?["kind"])
            {
                case "User" when user == name:
                case "Group" when groups.Contains(name):
                    return true;
                case "ServiceAccount":
                    var saNamespace = (string?)subject?["namespace"] is { Length: > 0 } given ? given : bindingNamespace;
                    if (saNamespace.Length > 0 && user == ServiceAccountUsers.UserName(saNamespace, name))
                        return true;
                    break;
            }
        }
        return false;
    }
}

/// <summary>How kube-apiserver names a service account's user and groups (k8s.io/apiserver pkg/authentication/serviceaccount).</summary>
public static class ServiceAccountUsers
{
    public const string Prefix = "system:serviceaccount:";
    public const string AllServiceAccounts = "system:serviceaccounts";
    public const string Authenticated = "system:authenticated";

    public static string UserName(string @namespace, string name) => $"{Prefix}{@namespace}:{name}";

    /// <summary>system:serviceaccounts, system:serviceaccounts:&lt;namespace&gt; and system:authenticated.</summary>
    public static IReadOnlyList<string> Groups(string @namespace) => [AllServiceAccounts, $"{AllServiceAccounts}:{@namespace}", Authenticated];

    /// <summary>The groups an authenticated user has: a service account's three, else system:authenticated.</summary>
    public static IReadOnlyList<string> GroupsOf(string user, IEnumerable<string>? extra = null)
    {
        var groups = new List<string>(extra ?? []);
        if (user.StartsWith(Prefix, StringComparison.Ordinal) && user[Prefix.Length..].Split(':') is [var ns, _])
            groups.AddRange(Groups(ns));
        if (!groups.Contains(Authenticated))
            groups.Add(Authenticated);
        return groups.Distinct().ToList();
    }

    /// <summary><c>demo:restore-job</c> → (demo, restore-job).</summary>
    public static (string Namespace, string Name) Parse(string serviceAccount)
    {
        var parts = serviceAccount.Split(':');
        if (parts is not [{ Length: > 0 } ns, { Length: > 0 } name])
            throw new ArgumentException($"a service account is namespace:name, not '{serviceAccount}'", nameof(serviceAccount));
        return (parts[0], parts[1]);
    }
}
