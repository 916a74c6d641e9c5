using System.Text.Json;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.Hooks;

/// <summary>A hook's port as Kubernetes writes it: a number or a named port, read and written back the same way.</summary>
public sealed class IntOrStringTests
{
    [Theory]
    [InlineData("""{"port":8080}""", 8080, null, "8080")]
    [InlineData("""{"port":"http"}""", null, "http", "http")]
    public void A_port_is_a_number_or_a_named_port_and_is_written_back_as_it_was_given(string json, int? number, string? name, string shown)
    {
        var action = JsonSerializer.Deserialize(json, StashJsonContext.Default.TcpSocketAction)!;

        Assert.Equal(new IntOrString(number, name), action.Port);
        Assert.Equal(shown, action.Port.ToString());
        var port = json[(json.IndexOf(':') + 1)..^1];
        Assert.Equal(port, JsonSerializer.Serialize(action.Port!.Value, StashJsonContext.Default.IntOrString));
    }

    [Theory]
    [InlineData("""{"port":true}""")]
    [InlineData("""{"port":[80]}""")]
    public void A_port_that_is_neither_a_number_nor_a_name_is_refused(string json)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, StashJsonContext.Default.TcpSocketAction));
        Assert.Contains("expected an integer or a string", e.Message);
    }
}
