using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// Legacy (unaggregated) discovery documents. Answering with plain <c>application/json</c> makes
/// kubectl fall back from aggregated discovery to these.
/// </summary>
internal static class Discovery
{
    private static readonly string[] _allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] _subresourceVerbs = ["get", "patch", "update"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["emulationMajor"] = "1",
        ["emulationMinor"] = "32",
        ["gitVersion"] = "v1.32.0-stash-restore-test",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.4",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceCatalog catalog)
    {
        var groups = new JsonArray();
        foreach (var group in Groups(catalog))
            groups.Add(Group(catalog, group, includeKind: false));
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    /// <summary>
    /// API groups in priority order: built-in groups, then the CRD groups with Stash's
    /// (<c>*stash.appscode.com</c>) first, then the rest by name. kubectl resolves a resource
    /// name found in two groups (restoresessions in Stash and KubeStash) to the first one, so
    /// <c>kubectl get restoresessions</c> means Stash's here. (A real cluster with both installed
    /// orders CRD groups by name and would pick core.kubestash.com.)
    /// </summary>
    public static IEnumerable<string> Groups(ResourceCatalog catalog) =>
        catalog.Types.Where(t => t.Group.Length > 0)
            .OrderBy(t => t.IsCustom ? 1 : 0)
            .ThenBy(t => t.IsCustom && t.Group.EndsWith("stash.appscode.com", StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(t => t.IsCustom ? t.Group : "", StringComparer.Ordinal)
            .Select(t => t.Group)
            .Distinct();

    public static JsonObject Group(ResourceCatalog catalog, string group, bool includeKind = true)
    {
        var versions = catalog.Types.Where(t => t.Group == group).Select(t => t.Version).Distinct().ToList();
        var list = new JsonArray();
        foreach (var v in versions)
            list.Add(new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v });
        var result = new JsonObject();
        if (includeKind)
        {
            result["kind"] = "APIGroup";
            result["apiVersion"] = "v1";
        }
        result["name"] = group;
        result["versions"] = list;
        result["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] };
        return result;
    }

    public static JsonObject ResourceList(ResourceCatalog catalog, string group, string version)
    {
        var resources = new JsonArray();
        foreach (var t in catalog.Types.Where(t => t.Group == group && t.Version == version))
        {
            var entry = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray((t.Verbs ?? _allVerbs).Select(v => (JsonNode)v).ToArray()),
            };
            if (t.ShortNames.Count > 0)
                entry["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode)s).ToArray());
            if (t.Categories.Count > 0)
                entry["categories"] = new JsonArray(t.Categories.Select(s => (JsonNode)s).ToArray());
            resources.Add(entry);
            if (t.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{t.Plural}/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray(_subresourceVerbs.Select(v => (JsonNode)v).ToArray()),
                });
            }
            if (t is { Group: "", Plural: "pods" })
            {
                resources.Add(new JsonObject
                {
                    ["name"] = "pods/exec",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["kind"] = "PodExecOptions",
                    ["verbs"] = new JsonArray("create", "get"),
                });
                resources.Add(new JsonObject
                {
                    ["name"] = "pods/log",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["kind"] = "Pod",
                    ["verbs"] = new JsonArray("get"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
