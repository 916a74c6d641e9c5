using Stash.Restore.Core.Input;
using YamlDotNet.Core;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>YAML read the way Kubernetes reads it (YAML 1.2 core schema), into the JSON every model is read from, with each field's line.</summary>
public sealed class YamlToJsonTests
{
    [Theory]
    [InlineData("a: 3", """{"a":3}""")]
    [InlineData("a: -12", """{"a":-12}""")]
    [InlineData("a: 2.5", """{"a":2.5}""")]
    [InlineData("a: 1e3", """{"a":1000}""")]
    [InlineData("a: true\nb: False\nc: TRUE", """{"a":true,"b":false,"c":true}""")]
    [InlineData("a: ~\nb: null\nc:", """{"a":null,"b":null,"c":null}""")]
    [InlineData("a: yes\nb: off\nc: .", """{"a":"yes","b":"off","c":"."}""")]
    [InlineData("a: \"3\"\nb: 'true'\nc: \"null\"", """{"a":"3","b":"true","c":"null"}""")]
    [InlineData("a: |\n  two\n  lines\n", """{"a":"two\nlines\n"}""")]
    [InlineData("a: [1, x, {b: c}]", """{"a":[1,"x",{"b":"c"}]}""")]
    public void Scalars_take_the_core_schema_types_and_quoted_ones_stay_strings(string yaml, string json) =>
        Assert.Equal(json, YamlToJson.Convert(yaml)!.ToJsonString());

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void No_document_is_no_object(string yaml) =>
        Assert.Null(YamlToJson.Convert(yaml));

    [Fact]
    public void Each_field_and_list_item_is_placed_at_its_line_and_column()
    {
        var positions = new Dictionary<string, SourcePosition>();

        YamlToJson.Convert("metadata:\n  annotations:\n    app.kubernetes.io/name: db\nspec:\n  rules:\n  - paths: [/data, /logs]\n", positions);

        Assert.Equal(new SourcePosition(3, 5), positions["metadata.annotations[\"app.kubernetes.io/name\"]"]);
        Assert.Equal(new SourcePosition(5, 3), positions["spec.rules"]);
        Assert.Equal(new SourcePosition(6, 5), positions["spec.rules[0]"]); // the item itself, where its first key starts
        Assert.Equal(new SourcePosition(6, 20), positions["spec.rules[0].paths[1]"]);
    }

    [Fact]
    public void Two_documents_are_refused_at_the_second()
    {
        var error = Assert.Throws<YamlException>(() => YamlToJson.Convert("a: 1\n---\nb: 2\n---\nc: 3\n"));

        Assert.Equal("expected one document, found 3", error.Message);
        Assert.Equal(3, error.Start.Line);
    }

    [Fact]
    public void A_list_used_as_a_key_is_refused_at_the_key()
    {
        var error = Assert.Throws<YamlException>(() => YamlToJson.Convert("spec:\n  ? [a, b]\n  : value\n"));

        Assert.Equal("a mapping key must be a plain value, not a list or a mapping", error.Message);
        Assert.Equal(2, error.Start.Line);
    }
}
