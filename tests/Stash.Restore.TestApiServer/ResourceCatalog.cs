using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>A printer column of a CRD version (<c>additionalPrinterColumns</c>).</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string? Format);

/// <summary>One served resource (group/version/plural) and how it behaves.</summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string ListKind,
    string Plural,
    string Singular,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    bool HasStatus,
    JsonObject? Schema,
    bool IsCustom,
    IReadOnlyList<PrinterColumn> Columns)
{
    /// <summary>The verbs discovery lists; null for every verb of a stored resource.</summary>
    public IReadOnlyList<string>? Verbs { get; init; }

    /// <summary>A review (SelfSubjectAccessReview…): answered on create, never stored.</summary>
    public bool IsReview => Group == "authorization.k8s.io";

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>restoresessions.stash.appscode.com</c>, <c>secrets</c>: how errors name the resource.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary><c>RestoreSession.stash.appscode.com</c>: how validation errors name the kind.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>Whether PUT must carry metadata.resourceVersion (custom resources: yes, like the real server).</summary>
    public bool RequiresResourceVersionOnUpdate => IsCustom;
}

/// <summary>Every resource the server serves: built-in core types plus the CRDs loaded at start.</summary>
internal sealed class ResourceCatalog
{
    private readonly List<ResourceType> _types = [];

    public IReadOnlyList<ResourceType> Types => _types;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ResourceCatalog>> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The catalog for a CRD directory, parsed once per process: the CRDs are large and every test
    /// starts its own server. The catalog is never mutated after it is built, so sharing it is safe.
    /// </summary>
    /// <param name="extraCrdDirectories">More CRD directories served beside <paramref name="crdDirectory"/> (e.g. Kyverno's).</param>
    public static ResourceCatalog Create(string? crdDirectory, IReadOnlyList<string>? extraCrdDirectories = null)
    {
        var directories = (crdDirectory is null ? [] : new[] { crdDirectory }).Concat(extraCrdDirectories ?? []).Select(Path.GetFullPath).ToList();
        return _cache.GetOrAdd(string.Join('\n', directories), _ => new Lazy<ResourceCatalog>(() => Load(directories))).Value;
    }

    private static ResourceCatalog Load(IReadOnlyList<string> crdDirectories)
    {
        var catalog = new ResourceCatalog();
        catalog.AddBuiltIns();
        foreach (var crdDirectory in crdDirectories)
        {
            foreach (var file in Directory.EnumerateFiles(crdDirectory, "*.yaml", SearchOption.AllDirectories)
                         .Concat(Directory.EnumerateFiles(crdDirectory, "*.yml", SearchOption.AllDirectories))
                         .Order(StringComparer.Ordinal))
            {
                foreach (var document in Yaml.ParseDocuments(File.ReadAllText(file)))
                {
                    if ((string?)document["kind"] == "CustomResourceDefinition")
                        catalog.AddCrd(document);
                }
            }
        }
        return catalog;
    }

    public ResourceType? Find(string group, string version, string plural) =>
        _types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public ResourceType? FindByKind(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? "" : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        return _types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Kind == kind);
    }

    private void AddBuiltIns()
    {
        AddCore("", "v1", "Secret", "secrets", namespaced: true, hasStatus: false);
        AddCore("", "v1", "ConfigMap", "configmaps", namespaced: true, hasStatus: false, shortNames: ["cm"]);
        AddCore("", "v1", "Pod", "pods", namespaced: true, hasStatus: true, shortNames: ["po"], categories: ["all"]);
        AddCore("", "v1", "Event", "events", namespaced: true, hasStatus: false, shortNames: ["ev"]);
        AddCore("", "v1", "Namespace", "namespaces", namespaced: false, hasStatus: true, shortNames: ["ns"]);
        AddCore("", "v1", "ServiceAccount", "serviceaccounts", namespaced: true, hasStatus: false, shortNames: ["sa"]);
        AddCore("coordination.k8s.io", "v1", "Lease", "leases", namespaced: true, hasStatus: false);
        AddCore("events.k8s.io", "v1", "Event", "events", namespaced: true, hasStatus: false, shortNames: ["ev"]);
        AddCore("rbac.authorization.k8s.io", "v1", "Role", "roles", namespaced: true, hasStatus: false);
        AddCore("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", namespaced: false, hasStatus: false);
        AddCore("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", namespaced: true, hasStatus: false);
        AddCore("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", namespaced: false, hasStatus: false);
        _types.Add(new ResourceType("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "SelfSubjectAccessReviewList", "selfsubjectaccessreviews",
            "selfsubjectaccessreview", Namespaced: false, [], [], HasStatus: false, Schema: null, IsCustom: false, Columns: []) { Verbs = ["create"] });
        _types.Add(new ResourceType("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "SelfSubjectRulesReviewList", "selfsubjectrulesreviews",
            "selfsubjectrulesreview", Namespaced: false, [], [], HasStatus: false, Schema: null, IsCustom: false, Columns: []) { Verbs = ["create"] });
    }

    private void AddCore(string group, string version, string kind, string plural, bool namespaced, bool hasStatus,
        string[]? shortNames = null, string[]? categories = null) =>
        _types.Add(new ResourceType(group, version, kind, kind + "List", plural, kind.ToLowerInvariant(), namespaced,
            shortNames ?? [], categories ?? [], hasStatus, Schema: null, IsCustom: false, Columns: []));

    private void AddCrd(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var names = spec["names"]!.AsObject();
        var group = (string)spec["group"]!;
        var kind = (string)names["kind"]!;
        var plural = (string)names["plural"]!;
        var singular = (string?)names["singular"] ?? kind.ToLowerInvariant();
        var listKind = (string?)names["listKind"] ?? kind + "List";
        var shortNames = Strings(names["shortNames"]);
        var categories = Strings(names["categories"]);
        var namespaced = (string?)spec["scope"] != "Cluster";
        foreach (var v in spec["versions"]!.AsArray())
        {
            var version = v!.AsObject();
            if (version["served"] is JsonValue served && !(bool)served)
                continue;
            var schema = version["schema"]?["openAPIV3Schema"]?.AsObject();
            var hasStatus = version["subresources"]?["status"] is not null;
            var columns = new List<PrinterColumn>();
            foreach (var c in version["additionalPrinterColumns"]?.AsArray() ?? [])
                columns.Add(new PrinterColumn((string)c!["name"]!, (string?)c["type"] ?? "string", (string)c["jsonPath"]!, (string?)c["format"]));
            _types.Add(new ResourceType(group, (string)version["name"]!, kind, listKind, plural, singular, namespaced,
                shortNames, categories, hasStatus, schema, IsCustom: true, columns));
        }
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => (string)n!).ToList() : [];
}
