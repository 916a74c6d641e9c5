using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// An object as the server answers with it: compact JSON made once when the object was stored,
/// shared by every reader. <see cref="ToNode"/> gives a caller its own copy to change.
/// </summary>
internal sealed class ServedObject(byte[] json)
{
    public ReadOnlyMemory<byte> Json => json;

    public JsonObject ToNode() => JsonNode.Parse(json) as JsonObject ?? throw new InvalidOperationException("a stored object is not a JSON object");
}
