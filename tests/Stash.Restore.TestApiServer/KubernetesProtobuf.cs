using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// Request bodies in <c>application/vnd.kubernetes.protobuf</c>, as kubectl sends typed built-ins
/// (<c>kubectl create namespace</c>, <c>kubectl create secret generic</c>, <c>kubectl create configmap</c>):
/// the magic <c>k8s\0</c>, then a <c>runtime.Unknown</c> {typeMeta{apiVersion, kind}, raw,
/// contentEncoding, contentType} whose <c>raw</c> is the object. Decoded with Google.Protobuf's
/// <see cref="CodedInputStream"/> against the field numbers of k8s.io/api's and
/// k8s.io/apimachinery's <c>generated.proto</c>, into the JSON the server stores. Namespace,
/// Secret and ConfigMap of core/v1 and the rbac.authorization.k8s.io/v1 kinds (<c>kubectl create role</c>,
/// <c>clusterrole</c>, <c>rolebinding</c>, <c>clusterrolebinding</c>) and the self reviews of
/// <c>kubectl auth can-i</c> only; anything else is a 415 that says to send JSON.
/// </summary>
internal static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] _magic = "k8s\0"u8.ToArray();

    public static bool Is(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The object in <paramref name="body"/> as JSON; 400 when it is not a protobuf envelope, 415 for a kind not decoded here.</summary>
    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < _magic.Length || !body.AsSpan(0, _magic.Length).SequenceEqual(_magic))
            throw ApiErrors.BadRequest("the body of the request was not a Kubernetes protobuf envelope (no k8s\\0 prefix)");
        string apiVersion = "", kind = "", encoding = "";
        ByteString raw = ByteString.Empty;
        try
        {
            var input = new CodedInputStream(body, _magic.Length, body.Length - _magic.Length);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case 1:
                        (apiVersion, kind) = ReadTypeMeta(input.ReadBytes());
                        break;
                    case 2:
                        raw = input.ReadBytes();
                        break;
                    case 3:
                        encoding = input.ReadString();
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }
            if (encoding.Length > 0)
                throw ApiErrors.BadRequest($"protobuf content encoding \"{encoding}\" is not supported");
            var obj = (apiVersion, kind) switch
            {
                ("v1", "Namespace") => Namespace(raw),
                ("v1", "Secret") => Secret(raw),
                ("v1", "ConfigMap") => ConfigMap(raw),
                ("rbac.authorization.k8s.io/v1", "Role" or "ClusterRole") => Role(raw),
                ("rbac.authorization.k8s.io/v1", "RoleBinding" or "ClusterRoleBinding") => RoleBinding(raw),
                ("authorization.k8s.io/v1", "SelfSubjectAccessReview") => SelfSubjectAccessReview(raw),
                ("authorization.k8s.io/v1", "SelfSubjectRulesReview") => SelfSubjectRulesReview(raw),
                _ => throw new ApiException(ApiErrors.Status(415, "UnsupportedMediaType",
                    $"the test API server decodes protobuf only for v1 Namespace, Secret and ConfigMap and the rbac.authorization.k8s.io/v1 kinds, not {kind} in \"{apiVersion}\": send application/json",
                    new JsonObject())),
            };
            obj["apiVersion"] = apiVersion;
            obj["kind"] = kind;
            return obj;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw ApiErrors.BadRequest($"the protobuf body of the request could not be decoded: {e.Message}");
        }
    }

    private static (string ApiVersion, string Kind) ReadTypeMeta(ByteString bytes)
    {
        string apiVersion = "", kind = "";
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: apiVersion = input.ReadString(); return true;
                case 2: kind = input.ReadString(); return true;
                default: return false;
            }
        });
        return (apiVersion, kind);
    }

    /// <summary>core/v1 Namespace: metadata 1, spec 2 {finalizers 1}, status 3 {phase 1}.</summary>
    private static JsonObject Namespace(ByteString bytes)
    {
        var obj = new JsonObject();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1:
                    obj["metadata"] = ObjectMeta(input.ReadBytes());
                    return true;
                case 2:
                    var spec = new JsonObject();
                    var finalizers = new JsonArray();
                    Read(input.ReadBytes(), (f, i) => f == 1 && Add(finalizers, i.ReadString()));
                    if (finalizers.Count > 0)
                        spec["finalizers"] = finalizers;
                    obj["spec"] = spec;
                    return true;
                case 3:
                    var status = new JsonObject();
                    Read(input.ReadBytes(), (f, i) => f == 1 && Set(status, "phase", i.ReadString()));
                    if (status.Count > 0)
                        obj["status"] = status;
                    return true;
                default:
                    return false;
            }
        });
        return obj;
    }

    /// <summary>core/v1 Secret: metadata 1, data 2 (map of bytes), type 3, stringData 4, immutable 5.</summary>
    private static JsonObject Secret(ByteString bytes)
    {
        var obj = new JsonObject();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: obj["metadata"] = ObjectMeta(input.ReadBytes()); return true;
                case 2: MapEntry(obj, "data", input.ReadBytes(), binary: true); return true;
                case 3: return Set(obj, "type", input.ReadString());
                case 4: MapEntry(obj, "stringData", input.ReadBytes(), binary: false); return true;
                case 5: obj["immutable"] = input.ReadBool(); return true;
                default: return false;
            }
        });
        return obj;
    }

    /// <summary>core/v1 ConfigMap: metadata 1, data 2, binaryData 3 (map of bytes), immutable 4.</summary>
    private static JsonObject ConfigMap(ByteString bytes)
    {
        var obj = new JsonObject();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: obj["metadata"] = ObjectMeta(input.ReadBytes()); return true;
                case 2: MapEntry(obj, "data", input.ReadBytes(), binary: false); return true;
                case 3: MapEntry(obj, "binaryData", input.ReadBytes(), binary: true); return true;
                case 4: obj["immutable"] = input.ReadBool(); return true;
                default: return false;
            }
        });
        return obj;
    }

    /// <summary>rbac/v1 Role and ClusterRole: metadata 1, rules 2 (PolicyRule: verbs 1, apiGroups 2, resources 3, resourceNames 4, nonResourceURLs 5); a ClusterRole's aggregationRule 3 is skipped.</summary>
    private static JsonObject Role(ByteString bytes)
    {
        var obj = new JsonObject();
        var rules = new JsonArray();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: obj["metadata"] = ObjectMeta(input.ReadBytes()); return true;
                case 2:
                    var rule = new JsonObject();
                    Read(input.ReadBytes(), (f, i) => f switch
                    {
                        1 => Append(rule, "verbs", i.ReadString()),
                        2 => Append(rule, "apiGroups", i.ReadString()),
                        3 => Append(rule, "resources", i.ReadString()),
                        4 => Append(rule, "resourceNames", i.ReadString()),
                        5 => Append(rule, "nonResourceURLs", i.ReadString()),
                        _ => false,
                    });
                    rules.Add(rule);
                    return true;
                default: return false;
            }
        });
        obj["rules"] = rules;
        return obj;
    }

    /// <summary>rbac/v1 RoleBinding and ClusterRoleBinding: metadata 1, subjects 2 (kind 1, apiGroup 2, name 3, namespace 4), roleRef 3 (apiGroup 1, kind 2, name 3).</summary>
    private static JsonObject RoleBinding(ByteString bytes)
    {
        var obj = new JsonObject();
        var subjects = new JsonArray();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: obj["metadata"] = ObjectMeta(input.ReadBytes()); return true;
                case 2:
                    var subject = new JsonObject();
                    Read(input.ReadBytes(), (f, i) => f switch
                    {
                        1 => Set(subject, "kind", i.ReadString()),
                        2 => Set(subject, "apiGroup", i.ReadString()),
                        3 => Set(subject, "name", i.ReadString()),
                        4 => Set(subject, "namespace", i.ReadString()),
                        _ => false,
                    });
                    subjects.Add(subject);
                    return true;
                case 3:
                    var roleRef = new JsonObject();
                    Read(input.ReadBytes(), (f, i) => f switch
                    {
                        1 => Set(roleRef, "apiGroup", i.ReadString()),
                        2 => Set(roleRef, "kind", i.ReadString()),
                        3 => Set(roleRef, "name", i.ReadString()),
                        _ => false,
                    });
                    obj["roleRef"] = roleRef;
                    return true;
                default: return false;
            }
        });
        if (subjects.Count > 0)
            obj["subjects"] = subjects;
        return obj;
    }

    /// <summary>
    /// authorization/v1 SelfSubjectAccessReview: metadata 1, spec 2 {resourceAttributes 1 {namespace 1, verb 2,
    /// group 3, version 4, resource 5, subresource 6, name 7}, nonResourceAttributes 2 {path 1, verb 2}}.
    /// </summary>
    private static JsonObject SelfSubjectAccessReview(ByteString bytes)
    {
        var obj = new JsonObject();
        var spec = new JsonObject();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: obj["metadata"] = ObjectMeta(input.ReadBytes()); return true;
                case 2:
                    Read(input.ReadBytes(), (f, i) =>
                    {
                        var attributes = new JsonObject();
                        string[] names = f == 1 ? ["namespace", "verb", "group", "version", "resource", "subresource", "name"] : ["path", "verb"];
                        if (f is not (1 or 2))
                            return false;
                        Read(i.ReadBytes(), (n, a) => n <= names.Length && Set(attributes, names[n - 1], a.ReadString()));
                        spec[f == 1 ? "resourceAttributes" : "nonResourceAttributes"] = attributes;
                        return true;
                    });
                    return true;
                default: return false;
            }
        });
        obj["spec"] = spec;
        return obj;
    }

    /// <summary>authorization/v1 SelfSubjectRulesReview: metadata 1, spec 2 {namespace 1}.</summary>
    private static JsonObject SelfSubjectRulesReview(ByteString bytes)
    {
        var obj = new JsonObject();
        var spec = new JsonObject();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: obj["metadata"] = ObjectMeta(input.ReadBytes()); return true;
                case 2: Read(input.ReadBytes(), (f, i) => f == 1 && Set(spec, "namespace", i.ReadString())); return true;
                default: return false;
            }
        });
        obj["spec"] = spec;
        return obj;
    }

    /// <summary>
    /// meta/v1 ObjectMeta: name 1, generateName 2, namespace 3, uid 5, resourceVersion 6,
    /// labels 11, annotations 12, ownerReferences 13, finalizers 14. Server-set fields (selfLink,
    /// generation, timestamps, managedFields) are skipped: the server sets its own.
    /// </summary>
    private static JsonObject ObjectMeta(ByteString bytes)
    {
        var meta = new JsonObject();
        var finalizers = new JsonArray();
        var owners = new JsonArray();
        Read(bytes, (field, input) =>
        {
            switch (field)
            {
                case 1: return Set(meta, "name", input.ReadString());
                case 2: return Set(meta, "generateName", input.ReadString());
                case 3: return Set(meta, "namespace", input.ReadString());
                case 5: return Set(meta, "uid", input.ReadString());
                case 6: return Set(meta, "resourceVersion", input.ReadString());
                case 11: MapEntry(meta, "labels", input.ReadBytes(), binary: false); return true;
                case 12: MapEntry(meta, "annotations", input.ReadBytes(), binary: false); return true;
                case 13: owners.Add(OwnerReference(input.ReadBytes())); return true;
                case 14: return Add(finalizers, input.ReadString());
                default: return false;
            }
        });
        if (finalizers.Count > 0)
            meta["finalizers"] = finalizers;
        if (owners.Count > 0)
            meta["ownerReferences"] = owners;
        return meta;
    }

    /// <summary>meta/v1 OwnerReference: kind 1, name 3, uid 4, apiVersion 5, controller 6, blockOwnerDeletion 7.</summary>
    private static JsonObject OwnerReference(ByteString bytes)
    {
        var owner = new JsonObject();
        Read(bytes, (field, input) => field switch
        {
            1 => Set(owner, "kind", input.ReadString()),
            3 => Set(owner, "name", input.ReadString()),
            4 => Set(owner, "uid", input.ReadString()),
            5 => Set(owner, "apiVersion", input.ReadString()),
            6 => Set(owner, "controller", input.ReadBool()),
            7 => Set(owner, "blockOwnerDeletion", input.ReadBool()),
            _ => false,
        });
        return owner;
    }

    /// <summary>One entry of a protobuf map (key 1, value 2) into <c>parent[name]</c>; bytes values become base64 as in JSON.</summary>
    private static void MapEntry(JsonObject parent, string name, ByteString entry, bool binary)
    {
        string key = "";
        string value = "";
        Read(entry, (field, input) =>
        {
            switch (field)
            {
                case 1: key = input.ReadString(); return true;
                case 2: value = binary ? input.ReadBytes().ToBase64() : input.ReadString(); return true;
                default: return false;
            }
        });
        if (parent[name] is not JsonObject map)
        {
            map = new JsonObject();
            parent[name] = map;
        }
        map[key] = value;
    }

    /// <summary>Reads every field of a message; <paramref name="field"/> returns false for fields it skips.</summary>
    private static void Read(ByteString message, Func<int, CodedInputStream, bool> field)
    {
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!field(WireFormat.GetTagFieldNumber(tag), input))
                input.SkipLastField();
        }
    }

    /// <summary>Go's generated marshallers write every string field, empty or not; JSON (omitempty) leaves empty ones out, and so does this.</summary>
    private static bool Set(JsonObject obj, string key, string value)
    {
        if (value.Length > 0)
            obj[key] = value;
        return true;
    }

    private static bool Set(JsonObject obj, string key, bool value)
    {
        obj[key] = value;
        return true;
    }

    private static bool Append(JsonObject obj, string key, string value)
    {
        if (obj[key] is not JsonArray array)
        {
            array = [];
            obj[key] = array;
        }
        array.Add(value);
        return true;
    }

    private static bool Add(JsonArray array, string value)
    {
        array.Add(value);
        return true;
    }
}
