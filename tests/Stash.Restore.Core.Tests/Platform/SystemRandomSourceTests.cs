using Stash.Restore.Core.Cluster;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Tests.Platform;

/// <summary>A repeatable <see cref="IRandomSource"/>: the digits given, repeated; always the same fraction.</summary>
internal sealed class FixedRandomSource(string digits, double fraction = 0.5) : IRandomSource
{
    public double NextDouble() => fraction;

    public string HexDigits(int hexDigits) => string.Concat(Enumerable.Repeat(digits, (hexDigits / digits.Length) + 1))[..hexDigits];
}

/// <summary>Randomness comes from the injected source, so names can be made repeatable.</summary>
public sealed class SystemRandomSourceTests
{
    [Fact]
    public void A_lease_holder_is_the_pod_name_and_eight_digits_of_the_injected_source()
    {
        Assert.Equal("web-5d8f-abc_c0ffee12", LeaseUnitClaims.NewHolderIdentity("web-5d8f-abc", new FixedRandomSource("c0ffee12")));
    }

    [Fact]
    public void The_system_source_gives_lower_case_hex_of_the_length_asked_and_fractions_below_one()
    {
        var random = new SystemRandomSource();

        Assert.Matches("^[0-9a-f]{32}$", random.HexDigits(32));
        Assert.NotEqual(random.HexDigits(32), random.HexDigits(32));
        Assert.All(Enumerable.Range(0, 100).Select(_ => random.NextDouble()), d => Assert.True(d is >= 0 and < 1, $"{d} is not in [0, 1)"));
    }
}
