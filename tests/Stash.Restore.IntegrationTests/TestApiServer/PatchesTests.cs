using System.Text.Json.Nodes;

namespace Stash.Restore.IntegrationTests.TestApiServerTests;

using Stash.Restore.TestApiServer;

/// <summary>The patch engines on their own, against the RFCs' examples.</summary>
public sealed class PatchesTests
{
    // RFC 7386 appendix A.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("[1,2]", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("{}", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Merge_patch_follows_RFC_7386(string target, string patch, string expected)
    {
        var result = Patches.MergePatch(JsonNode.Parse(target), JsonNode.Parse(patch));

        Assert.Equal(expected, result?.ToJsonString() ?? "null");
    }

    // RFC 6902 appendix A (selection).
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"foo":"bar","baz":"boo"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    [InlineData("""{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""")]
    [InlineData("""{"foo":{"bar":1}}""", """[{"op":"copy","from":"/foo","path":"/baz"}]""", """{"foo":{"bar":1},"baz":{"bar":1}}""")]
    public void Json_patch_follows_RFC_6902(string document, string patch, string expected)
    {
        var result = Patches.JsonPatch(JsonNode.Parse(document), JsonNode.Parse(patch)!.AsArray());

        Assert.Equal(expected, result!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""", "testing value /baz failed: test failed")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""", "add operation does not apply: doc is missing path: \"/baz/bat\": missing value")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"remove","path":"/nope"}]""", "remove operation does not apply: doc is missing path: \"/nope\": missing value")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"replace","path":"/nope","value":1}]""", "replace operation does not apply: doc is missing path: \"/nope\": missing value")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"frobnicate","path":"/foo"}]""", "Unexpected kind: frobnicate")]
    public void Json_patch_errors_are_worded_like_the_real_server(string document, string patch, string message)
    {
        var e = Assert.Throws<JsonPatchException>(() => Patches.JsonPatch(JsonNode.Parse(document), JsonNode.Parse(patch)!.AsArray()));

        Assert.Equal(message, e.Message);
    }
}
