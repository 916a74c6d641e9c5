using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// A minimal OpenAPI v3: per group-version, a PATCH operation per resource that declares the
/// <c>fieldValidation</c> parameter (so kubectl create/apply use server-side field validation
/// instead of downloading schemas for client-side validation) and, for CRDs, their schema as a
/// component (so <c>kubectl explain</c> works). OpenAPI v2 is not served.
/// </summary>
internal static class OpenApi
{
    public static JsonObject Root(ResourceCatalog catalog)
    {
        var paths = new JsonObject();
        foreach (var gv in catalog.Types.Select(t => t.GroupVersion).Distinct())
        {
            var key = gv.Contains('/', StringComparison.Ordinal) ? $"apis/{gv}" : $"api/{gv}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(gv)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    public static JsonObject? GroupVersion(ResourceCatalog catalog, string group, string version)
    {
        var types = catalog.Types.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
            return null;
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var t in types)
        {
            var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            var path = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"{prefix}/{t.Plural}/{{name}}";
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = t.Kind };
            var id = SchemaId(t);
            var reference = new JsonObject { ["$ref"] = $"#/components/schemas/{id}" };
            paths[path] = new JsonObject
            {
                ["get"] = Operation("read", t, gvk, reference, []),
                ["put"] = Operation("replace", t, gvk, reference, ["dryRun", "fieldManager", "fieldValidation"]),
                ["patch"] = Operation("patch", t, gvk, reference, ["dryRun", "fieldManager", "fieldValidation", "force"]),
                ["delete"] = Operation("delete", t, gvk, reference, ["dryRun"]),
                ["parameters"] = new JsonArray(
                    PathParameter("name"),
                    PathParameter("namespace")),
            };
            var schema = t.Schema?.DeepClone().AsObject() ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            schema["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
            schemas[id] = schema;
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Operation(string action, ResourceType type, JsonObject gvk, JsonObject reference, string[] queryParameters)
    {
        var parameters = new JsonArray();
        foreach (var name in queryParameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "query",
                ["schema"] = new JsonObject { ["type"] = name == "force" ? "boolean" : "string", ["uniqueItems"] = true },
            });
        }
        return new JsonObject
        {
            ["operationId"] = $"{action}{type.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = reference.DeepClone() } },
                },
            },
            ["x-kubernetes-action"] = action == "read" ? "get" : action == "replace" ? "put" : action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        };
    }

    private static JsonObject PathParameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    /// <summary>Like the real ids (<c>com.appscode.stash.v1beta1.RestoreSession</c>): reversed group, version, kind.</summary>
    internal static string SchemaId(ResourceType t)
    {
        var group = t.Group.Length == 0 ? "io.k8s.api.core" : string.Join('.', t.Group.Split('.').Reverse());
        return $"{group}.{t.Version}.{t.Kind}";
    }

    private static string Hash(string gv) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(gv)))[..16];
}
