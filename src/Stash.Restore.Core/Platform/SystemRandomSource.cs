namespace Stash.Restore.Core.Platform;

/// <summary>
/// The process's shared generator: the one place Core may use it (BannedSymbols.txt). The Cli's
/// composition root creates one and hands it to the parts that need randomness.
/// </summary>
internal sealed class SystemRandomSource : IRandomSource
{
#pragma warning disable RS0030 // This is the seam the ban points everyone else to.
    public double NextDouble() => Random.Shared.NextDouble();

    public string HexDigits(int hexDigits) =>
        string.Create(hexDigits, Random.Shared, static (span, random) =>
        {
            const string digits = "0123456789abcdef";
            for (var i = 0; i < span.Length; i++)
                span[i] = digits[random.Next(16)];
        });
#pragma warning restore RS0030
}
