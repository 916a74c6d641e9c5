using Stash.Restore.Core;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>A RestoreSession's rules and settings checked as a whole: every problem named with its place, exit 2.</summary>
public class RestoreSessionValidatorTests
{
    private static RestoreRule Rule(string[]? hosts = null, string? source = null, string[]? paths = null, string[]? snapshots = null) =>
        new() { TargetHosts = hosts?.ToList(), SourceHost = source, Paths = paths?.ToList(), Snapshots = snapshots?.ToList() };

    private static RestoreSession Session(params RestoreRule[] rules) => new()
    {
        ApiVersion = RestoreSession.ApiVersionV1Beta1,
        Kind = RestoreSession.KindName,
        Metadata = new ObjectMeta { Name = "rs", Namespace = "demo" },
        Spec = new RestoreSessionSpec { Target = new RestoreTarget { Rules = [.. rules] } },
    };

    [Fact]
    public void Valid_rules_have_no_problems() =>
        Assert.Empty(RestoreSessionValidator.Problems(Session(Rule(["host-1"], "host-0", ["/a"]), Rule(null, null, snapshots: ["1a2b3c4d"]))));

    [Theory]
    [InlineData("two catch-alls", "spec.target.rules[1]: a second rule with empty targetHosts")]
    [InlineData("host twice", "spec.target.rules[1].targetHosts: host \"host-1\" is also in rules[0]")]
    [InlineData("both", "spec.target.rules[0]: sets both snapshots and paths")]
    [InlineData("neither", "spec.target.rules[0]: has neither paths nor snapshots")]
    [InlineData("relative path", "spec.target.rules[0].paths[1]: \"data\" is not an absolute path")]
    [InlineData("empty host", "spec.target.rules[0].targetHosts: contains an empty host name")]
    public void Every_invalid_rule_shape_is_rejected_with_the_rule_index(string shape, string expected)
    {
        var session = shape switch
        {
            "two catch-alls" => Session(Rule(null, null, ["/a"]), Rule([], null, ["/b"])),
            "host twice" => Session(Rule(["host-1"], null, ["/a"]), Rule(["host-2", "host-1"], null, ["/b"])),
            "both" => Session(Rule(null, null, ["/a"], ["1a2b3c4d"])),
            "neither" => Session(Rule(["host-1"])),
            "relative path" => Session(Rule(null, null, ["/a", "data"])),
            "empty host" => Session(Rule([""], null, ["/a"])),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
        Assert.StartsWith(expected, Assert.Single(RestoreSessionValidator.Problems(session)));
    }

    [Fact]
    public void Unsupported_driver_and_bad_timeout_are_reported_together()
    {
        var session = Session(Rule(null, null, ["/a"])) with
        {
            Spec = Session(Rule(null, null, ["/a"])).Spec with { Driver = "Velero", TimeOut = "soon" },
        };
        var problems = RestoreSessionValidator.Problems(session);
        Assert.Contains(problems, p => p.Contains("spec.driver \"Velero\" is not one of Restic, VolumeSnapshotter"));
        Assert.Contains(problems, p => p.Contains("spec.timeOut \"soon\""));
    }
}
