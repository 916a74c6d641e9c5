using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>The result of a write: the stored object and warnings for pruned fields.</summary>
internal sealed record WriteResult(JsonObject Object, IReadOnlyList<string> Warnings);

/// <summary>
/// In-memory etcd: objects by (group, plural, namespace, name), a monotonic resourceVersion,
/// and the write rules of the real API server's generic registry for the parts clients notice.
/// </summary>
internal sealed class ObjectStore(ResourceCatalog catalog, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Group, string Plural, string Namespace, string Name), JsonObject> _objects = [];
    private readonly List<WatchEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _resourceVersion = 100;

    /// <summary>How many past events a watch can resume from; older resourceVersions get 410 Gone.</summary>
    private const int EventHistory = 10_000;

    public ResourceCatalog Catalog => catalog;

    /// <summary>The namespaces every cluster has.</summary>
    public void CreateSystemNamespaces()
    {
        lock (_lock)
        {
            foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
                EnsureNamespace(ns, create: true);
        }
    }

    public string CurrentResourceVersion
    {
        get
        {
            lock (_lock)
                return _resourceVersion.ToString(CultureInfo.InvariantCulture);
        }
    }

    public JsonObject? Get(ResourceType type, string? ns, string name)
    {
        lock (_lock)
            return _objects.TryGetValue(Key(type, ns, name), out var stored) ? Served(type, stored) : null;
    }

    public List<JsonObject> List(ResourceType type, string? ns)
    {
        lock (_lock)
        {
            return _objects
                .Where(kv => kv.Key.Group == type.Group && kv.Key.Plural == type.Plural && (string.IsNullOrEmpty(ns) || kv.Key.Namespace == ns))
                .OrderBy(kv => kv.Key.Namespace, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Select(kv => Served(type, kv.Value))
                .ToList();
        }
    }

    /// <summary>POST: the object must not exist; the namespace must (like NamespaceLifecycle admission).</summary>
    public WriteResult Create(ResourceType type, string? ns, JsonObject body, FieldValidation validation = FieldValidation.Warn, bool seeding = false)
    {
        lock (_lock)
        {
            var obj = Normalize(type, ns, body.DeepClone().AsObject(), nameFromUrl: null);
            var meta = obj["metadata"]!.AsObject();
            var name = (string?)meta["name"];
            if (string.IsNullOrEmpty(name))
            {
                if ((string?)meta["generateName"] is { Length: > 0 } prefix)
                {
                    do
                        name = prefix + RandomSuffix();
                    while (_objects.ContainsKey(Key(type, ns, name)));
                    meta["name"] = name;
                }
                else
                {
                    throw ApiErrors.Invalid(type, "", [FieldError.RequiredWithDetail("metadata.name", "name or generateName is required")]);
                }
            }
            if (BuiltInValidation.NameError(name) is { } nameError)
                throw ApiErrors.Invalid(type, name, [nameError]);
            if (!seeding && meta["resourceVersion"] is not null && (string?)meta["resourceVersion"] != "")
                throw ApiErrors.Internal("resourceVersion should not be set on objects to be created");
            if (type.Namespaced)
                EnsureNamespace(ns!, create: seeding);
            if (_objects.ContainsKey(Key(type, ns, name)))
                throw ApiErrors.AlreadyExists(type, name);
            if (type.HasStatus && type.IsCustom && !seeding)
                obj.Remove("status");
            var warnings = Admit(type, obj, name, validation);
            // Seeding may fix uid and creationTimestamp (to match ownerReferences or events); the API never can.
            if (!seeding || string.IsNullOrEmpty((string?)meta["uid"]))
                meta["uid"] = Guid.NewGuid().ToString();
            if (!seeding || string.IsNullOrEmpty((string?)meta["creationTimestamp"]))
                meta["creationTimestamp"] = Now();
            if (type.IsCustom)
                meta["generation"] = 1L;
            meta.Remove("deletionTimestamp");
            return new WriteResult(Store(type, ns, name, obj), warnings);
        }
    }

    /// <summary>PUT of the main resource or of /status.</summary>
    public WriteResult Update(ResourceType type, string? ns, string name, JsonObject body, bool statusSubresource, FieldValidation validation = FieldValidation.Warn)
    {
        lock (_lock)
        {
            var obj = Normalize(type, ns, body.DeepClone().AsObject(), nameFromUrl: name);
            if (!_objects.TryGetValue(Key(type, ns, name), out var old))
                throw ApiErrors.NotFound(type, name);
            var requested = (string?)obj["metadata"]!["resourceVersion"];
            if (string.IsNullOrEmpty(requested))
            {
                if (type.RequiresResourceVersionOnUpdate)
                    throw ApiErrors.Invalid(type, name, [FieldError.Invalid("metadata.resourceVersion", "0x0", "must be specified for an update")]);
            }
            else if (requested != (string?)old["metadata"]!["resourceVersion"])
            {
                throw ApiErrors.Conflict(type, name);
            }
            return Replace(type, ns, name, old, obj, statusSubresource, validation);
        }
    }

    /// <summary>PATCH: applies <paramref name="apply"/> to the current object, then updates like PUT.
    /// A resourceVersion in the patched result must match the stored one.</summary>
    public WriteResult Patch(ResourceType type, string? ns, string name, Func<JsonObject, JsonNode?> apply, bool statusSubresource, FieldValidation validation = FieldValidation.Warn)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue(Key(type, ns, name), out var old))
                throw ApiErrors.NotFound(type, name);
            var current = Served(type, old);
            var patched = apply(current) as JsonObject
                ?? throw ApiErrors.BadRequest("the patched object is not a JSON object");
            var obj = Normalize(type, ns, patched, nameFromUrl: name);
            var requested = (string?)obj["metadata"]!["resourceVersion"];
            if (!string.IsNullOrEmpty(requested) && requested != (string?)old["metadata"]!["resourceVersion"])
                throw ApiErrors.Conflict(type, name);
            return Replace(type, ns, name, old, obj, statusSubresource, validation);
        }
    }

    public JsonObject Delete(ResourceType type, string? ns, string name, JsonObject? options)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue(Key(type, ns, name), out var old))
                throw ApiErrors.NotFound(type, name);
            var meta = old["metadata"]!.AsObject();
            if (options?["preconditions"] is JsonObject preconditions)
            {
                if ((string?)preconditions["resourceVersion"] is { } rv && rv != (string?)meta["resourceVersion"])
                    throw ApiErrors.ConflictWithMessage(type, name,
                        $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {(string?)meta["resourceVersion"]}");
                if ((string?)preconditions["uid"] is { } uid && uid != (string?)meta["uid"])
                    throw ApiErrors.ConflictWithMessage(type, name,
                        $"Precondition failed: UID in precondition: {uid}, UID in object meta: {(string?)meta["uid"]}");
            }
            if (meta["finalizers"] is JsonArray { Count: > 0 })
            {
                // Like the real server: an object with finalizers is only marked; it goes when they are removed.
                var marked = old.DeepClone().AsObject();
                marked["metadata"]!["deletionTimestamp"] ??= Now();
                return Store(type, ns, name, marked);
            }
            _objects.Remove(Key(type, ns, name));
            var deleted = Served(type, old);
            deleted["metadata"]!["resourceVersion"] = NextResourceVersion();
            Record("DELETED", type, deleted);
            return deleted;
        }
    }

    /// <summary>Server-side create-or-replace for seeding: no auth, keeps status (and on create a given uid and
    /// creationTimestamp), creates the namespace.</summary>
    public WriteResult Upsert(JsonObject body)
    {
        var apiVersion = (string?)body["apiVersion"] ?? throw new ArgumentException("object has no apiVersion");
        var kind = (string?)body["kind"] ?? throw new ArgumentException("object has no kind");
        var type = catalog.FindByKind(apiVersion, kind)
            ?? throw new ArgumentException($"the test API server does not serve {kind} in {apiVersion}");
        var ns = type.Namespaced ? (string?)body["metadata"]?["namespace"] ?? "default" : null;
        var name = (string?)body["metadata"]?["name"] ?? throw new ArgumentException("object has no metadata.name");
        lock (_lock)
        {
            var obj = body.DeepClone().AsObject();
            if (!_objects.TryGetValue(Key(type, ns, name), out var old))
                return Create(type, ns, obj, seeding: true);
            obj["metadata"]!.AsObject().Remove("resourceVersion");
            return Replace(type, ns, name, old, Normalize(type, ns, obj, name), statusSubresource: false, FieldValidation.Warn, seeding: true);
        }
    }

    private WriteResult Replace(ResourceType type, string? ns, string name, JsonObject old, JsonObject obj, bool statusSubresource, FieldValidation validation, bool seeding = false)
    {
        if (type.HasStatus && !seeding)
        {
            if (statusSubresource)
            {
                // Only status changes through /status; everything else comes from the stored object.
                var status = obj["status"];
                obj = old.DeepClone().AsObject();
                obj.Remove("status");
                if (status is not null)
                    obj["status"] = status.DeepClone();
            }
            else
            {
                // The main resource ignores status.
                obj.Remove("status");
                if (old["status"] is { } oldStatus)
                    obj["status"] = oldStatus.DeepClone();
            }
        }
        var warnings = Admit(type, obj, name, validation);
        var meta = obj["metadata"]!.AsObject();
        var oldMeta = old["metadata"]!.AsObject();
        meta["uid"] = oldMeta["uid"]?.DeepClone();
        meta["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
        if (oldMeta["deletionTimestamp"] is { } deletion)
            meta["deletionTimestamp"] = deletion.DeepClone();
        if (type.IsCustom)
        {
            var generation = oldMeta["generation"] is JsonValue g && long.TryParse(g.ToJsonString(), out var parsed) ? parsed : 1L;
            meta["generation"] = SpecChanged(old, obj) ? generation + 1 : generation;
        }
        if (JsonNode.DeepEquals(WithoutResourceVersion(old), WithoutResourceVersion(obj)))
            return new WriteResult(Served(type, old), warnings); // a no-op write keeps the resourceVersion
        if (meta["deletionTimestamp"] is not null && meta["finalizers"] is not JsonArray { Count: > 0 })
        {
            _objects.Remove(Key(type, ns, name));
            var gone = obj.DeepClone().AsObject();
            gone["metadata"]!["resourceVersion"] = NextResourceVersion();
            Record("DELETED", type, gone);
            return new WriteResult(gone, warnings);
        }
        return new WriteResult(Store(type, ns, name, obj), warnings);
    }

    private static JsonObject WithoutResourceVersion(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy["metadata"]!.AsObject().Remove("resourceVersion");
        copy.Remove("apiVersion");
        return copy;
    }

    private static bool SpecChanged(JsonObject old, JsonObject updated)
    {
        static JsonObject Strip(JsonObject o)
        {
            var copy = o.DeepClone().AsObject();
            copy.Remove("metadata");
            copy.Remove("status");
            copy.Remove("apiVersion");
            copy.Remove("kind");
            return copy;
        }
        return !JsonNode.DeepEquals(Strip(old), Strip(updated));
    }

    /// <summary>Prune, default, type-specific conversion and validation; throws 422.</summary>
    private static List<string> Admit(ResourceType type, JsonObject obj, string name, FieldValidation validation)
    {
        var warnings = new List<string>();
        if (type.Schema is { } schema)
        {
            var unknown = StructuralSchema.PruneAndDefault(obj, schema).Select(p => $"unknown field \"{p}\"").ToList();
            if (validation == FieldValidation.Strict && unknown.Count > 0)
                throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown)}");
            if (validation == FieldValidation.Warn)
                warnings.AddRange(unknown);
            var errors = StructuralSchema.Validate(obj, schema);
            if (errors.Count > 0)
                throw ApiErrors.Invalid(type, name, errors);
        }
        if (type is { Group: "", Plural: "secrets" })
            AdmitSecret(type, obj, name);
        var builtInErrors = BuiltInValidation.Validate(type, obj);
        if (builtInErrors.Count > 0)
            throw ApiErrors.Invalid(type, name, builtInErrors);
        return warnings;
    }

    private static void AdmitSecret(ResourceType type, JsonObject obj, string name)
    {
        obj["type"] ??= "Opaque";
        var data = obj["data"] as JsonObject ?? new JsonObject();
        foreach (var (key, value) in data)
        {
            try
            {
                _ = Convert.FromBase64String((string?)value ?? "");
            }
            catch (FormatException)
            {
                throw ApiErrors.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0 (key \"{key}\")");
            }
        }
        if (obj["stringData"] is JsonObject stringData)
        {
            foreach (var (key, value) in stringData)
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string?)value ?? ""));
            obj.Remove("stringData");
        }
        if (data.Count > 0)
            obj["data"] = data;
        _ = type;
        _ = name;
    }

    /// <summary>apiVersion/kind from the endpoint, namespace and name checks the real server makes.</summary>
    private static JsonObject Normalize(ResourceType type, string? ns, JsonObject obj, string? nameFromUrl)
    {
        var apiVersion = (string?)obj["apiVersion"];
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.GroupVersion)
            throw ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        var kind = (string?)obj["kind"];
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        obj["apiVersion"] = type.GroupVersion;
        obj["kind"] = type.Kind;
        if (obj["metadata"] is not JsonObject meta)
        {
            meta = new JsonObject();
            obj["metadata"] = meta;
        }
        if (type.Namespaced)
        {
            var bodyNamespace = (string?)meta["namespace"];
            if (!string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
                throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }
        if (nameFromUrl is not null)
        {
            var bodyName = (string?)meta["name"];
            if (string.IsNullOrEmpty(bodyName))
                meta["name"] = nameFromUrl;
            else if (bodyName != nameFromUrl)
                throw ApiErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({nameFromUrl})");
        }
        return obj;
    }

    private void EnsureNamespace(string ns, bool create)
    {
        var namespaces = catalog.Find("", "v1", "namespaces")!;
        if (_objects.ContainsKey(Key(namespaces, null, ns)))
            return;
        if (!create)
            throw ApiErrors.NotFound(namespaces, ns);
        var obj = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = ns,
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = Now(),
                ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns },
            },
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        };
        Store(namespaces, null, ns, obj);
    }

    private JsonObject Store(ResourceType type, string? ns, string name, JsonObject obj)
    {
        var rv = NextResourceVersion();
        obj["metadata"]!["resourceVersion"] = rv;
        var existed = _objects.ContainsKey(Key(type, ns, name));
        _objects[Key(type, ns, name)] = obj;
        Record(existed ? "MODIFIED" : "ADDED", type, obj);
        return Served(type, obj);
    }

    private void Record(string eventType, ResourceType type, JsonObject obj)
    {
        _events.Add(new WatchEvent(_resourceVersion, eventType, type.Group, type.Plural, obj.DeepClone().AsObject()));
        if (_events.Count > EventHistory)
            _events.RemoveRange(0, _events.Count - EventHistory);
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    /// <summary>
    /// Events of <paramref name="type"/> after <paramref name="afterResourceVersion"/>, and a task
    /// that completes at the next write. Throws 410 Gone when the history no longer reaches back.
    /// </summary>
    public (List<(string Type, JsonObject Object)> Events, long Through, Task Changed) EventsAfter(ResourceType type, long afterResourceVersion)
    {
        lock (_lock)
        {
            if (_events.Count > 0 && afterResourceVersion < _events[0].ResourceVersion - 1 && _events.Count >= EventHistory)
                throw new ApiException(ApiErrors.Status(410, "Expired", $"too old resource version: {afterResourceVersion} ({_events[0].ResourceVersion - 1})"));
            var events = _events
                .Where(e => e.ResourceVersion > afterResourceVersion && e.Group == type.Group && e.Plural == type.Plural)
                .Select(e => (e.Type, Served(type, e.Object)))
                .ToList();
            return (events, _resourceVersion, _changed.Task);
        }
    }

    /// <summary>The current objects of a type and the resourceVersion they are consistent with.</summary>
    public (List<JsonObject> Items, long ResourceVersion) Snapshot(ResourceType type, string? ns)
    {
        lock (_lock)
            return (List(type, ns), _resourceVersion);
    }

    private sealed record WatchEvent(long ResourceVersion, string Type, string Group, string Plural, JsonObject Object);

    private string NextResourceVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private static JsonObject Served(ResourceType type, JsonObject stored)
    {
        var copy = stored.DeepClone().AsObject();
        copy["apiVersion"] = type.GroupVersion; // conversion strategy None: same object, requested version
        return copy;
    }

    private static (string, string, string, string) Key(ResourceType type, string? ns, string name) =>
        (type.Group, type.Plural, type.Namespaced ? ns ?? "" : "", name);

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string RandomSuffix()
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        });
    }
}
