using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>Field places as manifest problems name them: dotted plain names, bracketed indexes and bracketed odd keys.</summary>
public sealed class ManifestPathTests
{
    [Theory]
    [InlineData("", "spec", "spec")]
    [InlineData("spec.target", "rules", "spec.target.rules")]
    [InlineData("metadata.annotations", "app.kubernetes.io/name", "metadata.annotations[\"app.kubernetes.io/name\"]")]
    [InlineData("metadata.labels", "has space", "metadata.labels[\"has space\"]")]
    [InlineData("spec", "2fast", "spec[\"2fast\"]")]
    [InlineData("spec", "with-dash_and_$", "spec.with-dash_and_$")]
    public void Plain_names_are_dotted_and_other_keys_bracketed(string parent, string name, string expected) =>
        Assert.Equal(expected, ManifestPath.Property(parent, name));

    [Fact]
    public void List_items_are_indexed_in_brackets() =>
        Assert.Equal("spec.target.rules[1].paths[0]", ManifestPath.Index(ManifestPath.Property(ManifestPath.Index("spec.target.rules", 1), "paths"), 0));

    [Theory]
    [InlineData("spec.target.rules[1]: a second rule with empty targetHosts", "spec.target.rules[1]")]
    [InlineData("metadata.name is empty", "metadata.name")]
    [InlineData("status.stats[0].hostname: duplicate", "status.stats[0].hostname")]
    [InlineData("both spec.rules and spec.target.rules are set", null)]
    [InlineData("target.rules[0]: not a top-level field", null)]
    public void A_validator_message_names_its_place_only_when_it_starts_with_one(string message, string? place) =>
        Assert.Equal(place, ManifestPath.LeadingPlace(message));

    [Theory]
    [InlineData("spec.target", "spec.target.rules[0]", true)]
    [InlineData("spec.target.rules", "spec.target.rules[0]", true)]
    [InlineData("spec.target.rules[0]", "spec.target.rules[0]", true)]
    [InlineData("spec.target", "spec.targetHosts", false)]
    [InlineData("spec.target.rules[1]", "spec.target.rules[10]", false)]
    [InlineData("spec.hooks", "spec.target", false)]
    public void Places_overlap_when_one_lies_inside_the_other(string a, string b, bool overlap)
    {
        Assert.Equal(overlap, ManifestPath.Overlap(a, b));
        Assert.Equal(overlap, ManifestPath.Overlap(b, a));
    }
}
