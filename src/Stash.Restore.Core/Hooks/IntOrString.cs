using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stash.Restore.Core.Hooks;

/// <summary>Kubernetes <c>IntOrString</c>: a port number or a named port.</summary>
[JsonConverter(typeof(IntOrStringConverter))]
internal readonly record struct IntOrString(int? Number, string? Name)
{
    public static IntOrString FromNumber(int number) => new(number, null);

    public static IntOrString FromName(string name) => new(null, name);

    public override string ToString() => Number?.ToString() ?? Name ?? "";
}

internal sealed class IntOrStringConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => IntOrString.FromNumber(reader.GetInt32()),
            JsonTokenType.String => IntOrString.FromName(reader.GetString()!),
            _ => throw new JsonException("expected an integer or a string"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.Number is { } number)
            writer.WriteNumberValue(number);
        else
            writer.WriteStringValue(value.Name);
    }
}
