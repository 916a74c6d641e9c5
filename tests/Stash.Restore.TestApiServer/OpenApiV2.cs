using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// <c>/openapi/v2</c>, which kubectl reads only as protobuf (gnostic's <c>openapi.v2.Document</c>)
/// for client-side validation — what it does for the items of a <c>kind: List</c>, where server-side
/// field validation cannot apply. One definition per served CRD version, converted as the real
/// server publishes CRD schemas to v2 (<c>ToStructuralOpenAPIV2</c>): nullable, int-or-string and
/// preserve-unknown-fields schemas lose their type or their properties, an array without items
/// its type. Built-in kinds have no definition, so kubectl skips their client-side validation.
/// Field numbers are those of gnostic's <c>openapiv2/OpenAPIv2.proto</c>.
/// </summary>
internal static class OpenApiV2
{
    /// <summary>What the real server answers with (kubectl asks for <c>…spec.v2@v1.0+protobuf</c>, which Go's mime parser cannot read back).</summary>
    public const string ProtobufMediaType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    public static byte[] Document(ResourceCatalog catalog)
    {
        var definitions = new ProtoMessage();
        foreach (var type in catalog.Types.Where(t => t.Schema is not null))
        {
            var gvk = $"- group: {type.Group}\n  kind: {type.Kind}\n  version: {type.Version}\n";
            var schema = Schema(type.Schema!, extraExtensions: [("x-kubernetes-group-version-kind", gvk)]);
            definitions.Message(1, new ProtoMessage().String(1, OpenApi.SchemaId(type)).Message(2, schema)); // NamedSchema
        }
        return new ProtoMessage()
            .String(1, "2.0")
            .Message(2, new ProtoMessage().String(1, "Kubernetes").String(2, "v1.32.0")) // Info
            .Message(8, new ProtoMessage()) // Paths
            .Message(9, definitions)
            .ToArray();
    }

    private static ProtoMessage Schema(JsonObject schema, (string Name, string Yaml)[]? extraExtensions = null)
    {
        var type = (string?)schema["type"];
        var properties = schema["properties"] as JsonObject;
        var items = schema["items"] as JsonObject;
        var preserve = Flag(schema, "x-kubernetes-preserve-unknown-fields");
        var intOrString = Flag(schema, "x-kubernetes-int-or-string");
        if (Flag(schema, "nullable"))
        {
            type = null;
            properties = null;
            items = null;
        }
        if (preserve)
        {
            properties = null;
            items = null;
        }
        if (intOrString || (type == "array" && items is null))
            type = null;

        var message = new ProtoMessage();
        if ((string?)schema["format"] is { Length: > 0 } format)
            message.String(2, format);
        if (schema["required"] is JsonArray required && properties is not null)
        {
            foreach (var name in required)
                message.String(19, (string)name!);
        }
        switch (schema["additionalProperties"])
        {
            case JsonObject additional when !preserve:
                message.Message(21, new ProtoMessage().Message(1, Schema(additional)));
                break;
            case JsonValue allowed when allowed.TryGetValue<bool>(out var boolean):
                message.Message(21, new ProtoMessage().Bool(2, boolean));
                break;
        }
        if (type is not null)
            message.Message(22, new ProtoMessage().String(1, type));
        if (items is not null)
            message.Message(23, new ProtoMessage().Message(1, Schema(items)));
        if (properties is { Count: > 0 })
        {
            var named = new ProtoMessage();
            foreach (var (name, child) in properties)
            {
                if (child is JsonObject childSchema)
                    named.Message(1, new ProtoMessage().String(1, name).Message(2, Schema(childSchema)));
            }
            message.Message(25, named);
        }
        var extensions = new List<(string Name, string Yaml)>(extraExtensions ?? []);
        foreach (var flag in new[] { "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string" })
        {
            if (Flag(schema, flag))
                extensions.Add((flag, "true\n"));
        }
        foreach (var (name, yaml) in extensions)
            message.Message(31, new ProtoMessage().String(1, name).Message(2, new ProtoMessage().String(2, yaml))); // NamedAny{name, Any{yaml}}
        return message;
    }

    private static bool Flag(JsonObject schema, string name) => schema[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>A protobuf message written field by field (proto3: empty strings are left out).</summary>
    private sealed class ProtoMessage
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();

        public ProtoMessage String(int field, string value)
        {
            if (value.Length > 0)
                Write(CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeStringSize(value), o =>
                {
                    o.WriteTag(field, WireFormat.WireType.LengthDelimited);
                    o.WriteString(value);
                });
            return this;
        }

        public ProtoMessage Bool(int field, bool value)
        {
            Write(CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeBoolSize(value), o =>
            {
                o.WriteTag(field, WireFormat.WireType.Varint);
                o.WriteBool(value);
            });
            return this;
        }

        public ProtoMessage Message(int field, ProtoMessage value)
        {
            var bytes = ByteString.CopyFrom(value._buffer.WrittenSpan);
            Write(CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeBytesSize(bytes), o =>
            {
                o.WriteTag(field, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(bytes);
            });
            return this;
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        private void Write(int size, Action<CodedOutputStream> write)
        {
            var bytes = new byte[size];
            var output = new CodedOutputStream(bytes);
            write(output);
            output.CheckNoSpaceLeft();
            System.Buffers.BuffersExtensions.Write(_buffer, bytes);
        }
    }
}
