namespace Stash.Restore.Core.Platform;

/// <summary>
/// Randomness the executor needs that is not a secret: retry jitter and unique names for events,
/// Lease holders and temporary files. A seam, so tests can make it repeatable; credential folder
/// names use the cryptographic generator instead.
/// </summary>
internal interface IRandomSource
{
    /// <summary>A number in [0, 1).</summary>
    double NextDouble();

    /// <summary><paramref name="hexDigits"/> random lower-case hex digits.</summary>
    string HexDigits(int hexDigits);
}
