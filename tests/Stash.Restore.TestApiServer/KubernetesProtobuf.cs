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
/// Secret and ConfigMap of core/v1 only; anything else is a 415 that says to send JSON.
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
                _ => throw new ApiException(ApiErrors.Status(415, "UnsupportedMediaType",
                    $"the test API server decodes protobuf only for v1 Namespace, Secret and ConfigMap, not {kind} in \"{apiVersion}\": send application/json",
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

    private static bool Add(JsonArray array, string value)
    {
        array.Add(value);
        return true;
    }
}
