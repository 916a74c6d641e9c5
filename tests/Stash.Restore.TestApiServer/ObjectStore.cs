using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>The result of a write: the stored object as served and warnings for pruned fields.</summary>
internal sealed record WriteResult(ServedObject Served, IReadOnlyList<string> Warnings)
{
    /// <summary>A private copy of the stored object.</summary>
    public JsonObject Object => Served.ToNode();
}

/// <summary>
/// In-memory etcd: objects by (group, plural, namespace, name), a monotonic resourceVersion,
/// and the write rules of the real API server's generic registry for the parts clients notice.
/// </summary>
/// <remarks>
/// Built for a thousand writers to one object: a stored object is never changed after it is
/// stored (a write stores a new one), and its JSON is made once, at the write. Reads answer with
/// those bytes and watch events share the stored entry, so nothing is copied per reader; a write
/// copies the object it starts from once, and compares with the old one instead of cloning it.
/// Every access to a stored <see cref="JsonObject"/> happens under the lock (a parsed node
/// initialises its children lazily, which is not thread-safe); outside it only bytes travel.
/// </remarks>
internal sealed class ObjectStore(ResourceCatalog catalog, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Group, string Plural, string Namespace, string Name), Entry> _objects = [];
    private readonly List<WatchEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _resourceVersion = 100;

    /// <summary>How many past events a watch can resume from; older resourceVersions get 410 Gone.</summary>
    private const int EventHistory = 10_000;

    /// <summary>And how many bytes of objects they may hold (a thousand writes to a large object are large).</summary>
    private const long EventHistoryBytes = 256L * 1024 * 1024;

    private long _eventBytes;

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

    /// <summary>
    /// The part of kube-apiserver's bootstrap RBAC policy every user relies on: ClusterRole and
    /// ClusterRoleBinding <c>system:basic-user</c>, letting every authenticated user review its own
    /// access (<c>kubectl auth can-i</c>).
    /// </summary>
    public void CreateBootstrapPolicy()
    {
        var labels = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        Upsert(new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "ClusterRole",
            ["metadata"] = new JsonObject { ["name"] = "system:basic-user", ["labels"] = labels.DeepClone() },
            ["rules"] = new JsonArray(new JsonObject
            {
                ["apiGroups"] = new JsonArray("authorization.k8s.io"),
                ["resources"] = new JsonArray("selfsubjectaccessreviews", "selfsubjectrulesreviews"),
                ["verbs"] = new JsonArray("create"),
            }),
        });
        Upsert(new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = "ClusterRoleBinding",
            ["metadata"] = new JsonObject { ["name"] = "system:basic-user", ["labels"] = labels.DeepClone() },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = "system:basic-user" },
            ["subjects"] = new JsonArray(new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = "system:authenticated" }),
        });
    }

    public string CurrentResourceVersion
    {
        get
        {
            lock (_lock)
                return _resourceVersion.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A private copy of the object, or null.</summary>
    public JsonObject? Get(ResourceType type, string? ns, string name) => GetServed(type, ns, name)?.ToNode();

    /// <summary>The object as served (its JSON), or null.</summary>
    public ServedObject? GetServed(ResourceType type, string? ns, string name)
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
                .Select(kv => Served(type, kv.Value).ToNode())
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
            if (BuiltInValidation.NameError(type, name) is { } nameError)
                throw ApiErrors.Invalid(type, name, [nameError]);
            if (!seeding && meta["resourceVersion"] is not null && (string?)meta["resourceVersion"] != "")
                throw ApiErrors.Internal("resourceVersion should not be set on objects to be created");
            if (type.Namespaced)
                EnsureNamespace(ns!, create: seeding);
            if (_objects.ContainsKey(Key(type, ns, name)))
                throw ApiErrors.AlreadyExists(type, name);
            if (type.HasStatus && type.IsCustom && !seeding)
                obj.Remove("status");
            if (type is { Group: "", Plural: "namespaces" })
                DefaultNamespace(obj);
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
            else if (requested != old.ResourceVersion)
            {
                throw ApiErrors.Conflict(type, name);
            }
            return Replace(type, ns, name, old, obj, statusSubresource, validation);
        }
    }

    /// <summary>
    /// PATCH: applies <paramref name="apply"/> to the current object, then updates like PUT.
    /// A resourceVersion in the patched result must match the stored one. <paramref name="touched"/>
    /// names what the patch can have changed (a JSON merge patch is its own map of that); null
    /// means anything. Only those parts are admitted and compared again, so a component's status
    /// write costs the same in a session of one component or of a thousand.
    /// </summary>
    public WriteResult Patch(ResourceType type, string? ns, string name, Func<JsonObject, JsonNode?> apply, bool statusSubresource,
        FieldValidation validation = FieldValidation.Warn, JsonObject? touched = null)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue(Key(type, ns, name), out var old))
                throw ApiErrors.NotFound(type, name);
            // A private copy parsed from the stored bytes: its parts materialise only where the patch goes.
            var current = JsonNode.Parse(old.Json)!.AsObject();
            current["apiVersion"] = type.GroupVersion; // conversion strategy None: same object, requested version
            var patched = apply(current) as JsonObject
                ?? throw ApiErrors.BadRequest("the patched object is not a JSON object");
            var obj = Normalize(type, ns, patched, nameFromUrl: name);
            var requested = (string?)obj["metadata"]!["resourceVersion"];
            if (!string.IsNullOrEmpty(requested) && requested != old.ResourceVersion)
                throw ApiErrors.Conflict(type, name);
            return Replace(type, ns, name, old, obj, statusSubresource, validation, Touched(touched, type, statusSubresource));
        }
    }

    /// <summary>
    /// What a write through the main resource or /status can change, of what the client sent.
    /// Custom resources only: their admission (pruning, defaults) stays inside what was sent,
    /// while built-ins may move data elsewhere (a Secret's stringData becomes data).
    /// </summary>
    private static JsonObject? Touched(JsonObject? sent, ResourceType type, bool statusSubresource)
    {
        if (sent is null || !type.IsCustom || !type.HasStatus)
            return type.IsCustom ? sent : null;
        var touched = new JsonObject();
        foreach (var (key, value) in sent)
        {
            if ((key == "status") == statusSubresource)
                touched[key] = value?.DeepClone();
        }
        return touched;
    }

    public ServedObject Delete(ResourceType type, string? ns, string name, JsonObject? options)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue(Key(type, ns, name), out var old))
                throw ApiErrors.NotFound(type, name);
            var meta = old.Object["metadata"]!.AsObject();
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
                var marked = old.Object.DeepClone().AsObject();
                marked["metadata"]!["deletionTimestamp"] ??= Now();
                return Store(type, ns, name, marked);
            }
            _objects.Remove(Key(type, ns, name));
            var deleted = old.Object.DeepClone().AsObject();
            deleted["metadata"]!["resourceVersion"] = NextResourceVersion();
            var entry = Entry.Of(deleted);
            Record("DELETED", type, entry);
            return Served(type, entry);
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

    private WriteResult Replace(ResourceType type, string? ns, string name, Entry oldEntry, JsonObject obj, bool statusSubresource,
        FieldValidation validation, JsonObject? touched = null, bool seeding = false)
    {
        var old = oldEntry.Object;
        if (type.HasStatus && !seeding)
            obj = statusSubresource ? WithStatusOnlyFrom(obj, old) : WithStatusKept(obj, old);
        var warnings = Admit(type, obj, name, validation, touched);
        var meta = obj["metadata"]!.AsObject();
        var oldMeta = old["metadata"]!.AsObject();
        meta["uid"] = oldMeta["uid"]?.DeepClone();
        meta["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
        if (oldMeta["deletionTimestamp"] is { } deletion)
            meta["deletionTimestamp"] = deletion.DeepClone();
        if (type.IsCustom)
        {
            var generation = oldMeta["generation"] is JsonValue g && long.TryParse(g.ToJsonString(), out var parsed) ? parsed : 1L;
            meta["generation"] = SpecChanged(old, obj, touched) ? generation + 1 : generation;
        }
        if (SameButResourceVersion(old, obj, touched))
            return new WriteResult(Served(type, oldEntry), warnings); // a no-op write keeps the resourceVersion
        if (meta["deletionTimestamp"] is not null && meta["finalizers"] is not JsonArray { Count: > 0 })
        {
            _objects.Remove(Key(type, ns, name));
            meta["resourceVersion"] = NextResourceVersion();
            var gone = Entry.Of(obj);
            Record("DELETED", type, gone);
            return new WriteResult(Served(type, gone), warnings);
        }
        return new WriteResult(Store(type, ns, name, obj), warnings);
    }

    /// <summary>
    /// A write through /status: the stored object with the status of <paramref name="written"/>.
    /// Parts equal to the stored ones are moved over from the written object rather than cloned
    /// from the stored one (which must stay untouched); the status goes last, as before.
    /// </summary>
    private static JsonObject WithStatusOnlyFrom(JsonObject written, JsonObject old)
    {
        var result = new JsonObject();
        foreach (var (key, oldValue) in old)
        {
            if (key == "status")
                continue;
            if (written.TryGetPropertyValue(key, out var value) && JsonNode.DeepEquals(value, oldValue))
            {
                written.Remove(key);
                result[key] = value;
            }
            else
            {
                result[key] = oldValue?.DeepClone();
            }
        }
        if (written.TryGetPropertyValue("status", out var status) && status is not null)
        {
            written.Remove("status");
            result["status"] = status;
        }
        return result;
    }

    /// <summary>A write to the main resource: status is ignored, the stored one kept (last).</summary>
    private static JsonObject WithStatusKept(JsonObject written, JsonObject old)
    {
        written.TryGetPropertyValue("status", out var status);
        written.Remove("status");
        if (old["status"] is { } oldStatus)
            written["status"] = status is not null && JsonNode.DeepEquals(status, oldStatus) ? status : oldStatus.DeepClone();
        return written;
    }

    /// <summary>
    /// Equal apart from metadata.resourceVersion and apiVersion — compared in place, without
    /// copies; with <paramref name="touched"/>, only where the write can have changed something
    /// (metadata, which the store itself writes, is always compared).
    /// </summary>
    private static bool SameButResourceVersion(JsonObject old, JsonObject updated, JsonObject? touched)
    {
        static bool Equal(string key, JsonNode? a, JsonNode? b, JsonObject? below) => key == "metadata" && a is JsonObject oldMeta && b is JsonObject newMeta
            ? SameKeys(oldMeta, newMeta, k => k == "resourceVersion", (_, x, y) => JsonNode.DeepEquals(x, y))
            : Same(a, b, below);
        if (touched is null)
            return SameKeys(old, updated, key => key == "apiVersion", (key, a, b) => Equal(key, a, b, null));
        foreach (var key in touched.Select(kv => kv.Key).Append("metadata").Distinct())
        {
            if (key == "apiVersion")
                continue;
            var inOld = old.TryGetPropertyValue(key, out var a);
            if (inOld != updated.TryGetPropertyValue(key, out var b) || !Equal(key, a, b, touched[key] as JsonObject))
                return false;
        }
        return true;
    }

    /// <summary>Deep equality, looking only below the keys <paramref name="touched"/> names when it is given.</summary>
    private static bool Same(JsonNode? a, JsonNode? b, JsonObject? touched)
    {
        if (touched is null || a is not JsonObject objectA || b is not JsonObject objectB)
            return JsonNode.DeepEquals(a, b);
        foreach (var (key, below) in touched)
        {
            var inA = objectA.TryGetPropertyValue(key, out var valueA);
            if (inA != objectB.TryGetPropertyValue(key, out var valueB) || !Same(valueA, valueB, below as JsonObject))
                return false;
        }
        return true;
    }

    private static bool SpecChanged(JsonObject old, JsonObject updated, JsonObject? touched)
    {
        static bool Ignored(string key) => key is "metadata" or "status" or "apiVersion" or "kind";
        if (touched is not null)
            return touched.Any(kv => !Ignored(kv.Key) && !Same(old[kv.Key], updated[kv.Key], kv.Value as JsonObject));
        return !SameKeys(old, updated, Ignored, (_, a, b) => JsonNode.DeepEquals(a, b));
    }

    /// <summary>Whether both hold the same keys with equal values, leaving out the keys <paramref name="skip"/> names.</summary>
    private static bool SameKeys(JsonObject a, JsonObject b, Func<string, bool> skip, Func<string, JsonNode?, JsonNode?, bool> equal)
    {
        var unmatched = 0;
        foreach (var (key, value) in a)
        {
            if (skip(key))
                continue;
            if (!b.TryGetPropertyValue(key, out var other) || !equal(key, value, other))
                return false;
            unmatched++;
        }
        foreach (var (key, _) in b)
        {
            if (!skip(key))
                unmatched--;
        }
        return unmatched == 0;
    }

    /// <summary>Prune, default, type-specific conversion and validation; throws 422.</summary>
    private static List<string> Admit(ResourceType type, JsonObject obj, string name, FieldValidation validation, JsonObject? touched = null)
    {
        var warnings = new List<string>();
        if (type.Schema is { } schema)
        {
            var unknown = StructuralSchema.PruneAndDefault(obj, schema, touched).Select(p => $"unknown field \"{p}\"").ToList();
            if (validation == FieldValidation.Strict && unknown.Count > 0)
                throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown)}");
            if (validation == FieldValidation.Warn)
                warnings.AddRange(unknown);
            var errors = StructuralSchema.Validate(obj, schema, touched);
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

    /// <summary>What the namespace strategy sets on create: the kubernetes finalizer and phase Active.</summary>
    private static void DefaultNamespace(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
            obj["spec"] = spec = new JsonObject();
        if (spec["finalizers"] is not JsonArray { Count: > 0 })
            spec["finalizers"] = new JsonArray("kubernetes");
        obj["status"] = new JsonObject { ["phase"] = "Active" };
        var meta = obj["metadata"]!.AsObject();
        if (meta["labels"] is not JsonObject labels)
            meta["labels"] = labels = new JsonObject();
        labels["kubernetes.io/metadata.name"] = (string?)meta["name"];
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

    /// <summary>Stores <paramref name="obj"/> (from now on never changed) with the next resourceVersion.</summary>
    private ServedObject Store(ResourceType type, string? ns, string name, JsonObject obj)
    {
        obj["metadata"]!["resourceVersion"] = NextResourceVersion();
        var existed = _objects.TryGetValue(Key(type, ns, name), out var previous);
        var entry = Entry.Of(obj, previous?.Json.Length + 1024 ?? 0);
        _objects[Key(type, ns, name)] = entry;
        Record(existed ? "MODIFIED" : "ADDED", type, entry);
        return Served(type, entry);
    }

    private void Record(string eventType, ResourceType type, Entry entry)
    {
        // The history keeps the bytes only: they are immutable and shared with the store, while the
        // parsed object would hold a whole parse of the previous version alive per event.
        _events.Add(new WatchEvent(_resourceVersion, eventType, type.Group, type.Plural, entry.Json, (string?)entry.Object["apiVersion"]));
        _eventBytes += entry.Json.Length;
        var drop = 0;
        while (_events.Count - drop > EventHistory || (_eventBytes > EventHistoryBytes && _events.Count - drop > 1))
            _eventBytes -= _events[drop++].Json.Length;
        if (drop > 0)
            _events.RemoveRange(0, drop);
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
            if (_events.Count > 0 && afterResourceVersion < _events[0].ResourceVersion - 1 && (_events.Count >= EventHistory || _eventBytes > EventHistoryBytes / 2))
                throw new ApiException(ApiErrors.Status(410, "Expired", $"too old resource version: {afterResourceVersion} ({_events[0].ResourceVersion - 1})"));
            var events = _events
                .Where(e => e.ResourceVersion > afterResourceVersion && e.Group == type.Group && e.Plural == type.Plural)
                .Select(e => (e.Type, Served(type, e.Json, e.ApiVersion).ToNode()))
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

    private sealed record WatchEvent(long ResourceVersion, string Type, string Group, string Plural, byte[] Json, string? ApiVersion);

    /// <summary>
    /// A stored object and its compact JSON, made once when stored. The object is never changed
    /// once stored and is only read under the store's lock; a write starts from a parse of the bytes.
    /// </summary>
    private sealed record Entry(JsonObject Object, byte[] Json, string? ResourceVersion)
    {
        public static Entry Of(JsonObject obj, int sizeHint = 0) =>
            new(obj, JsonText.ToUtf8(obj, sizeHint), (string?)obj["metadata"]?["resourceVersion"]);
    }

    private string NextResourceVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private static ServedObject Served(ResourceType type, Entry stored) => Served(type, stored.Json, (string?)stored.Object["apiVersion"]);

    private static ServedObject Served(ResourceType type, byte[] json, string? storedApiVersion)
    {
        if (storedApiVersion == type.GroupVersion)
            return new ServedObject(json);
        // Conversion strategy None: the same object, with the requested version.
        var copy = JsonNode.Parse(json)!.AsObject();
        copy["apiVersion"] = type.GroupVersion;
        return new ServedObject(JsonText.ToUtf8(copy));
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
