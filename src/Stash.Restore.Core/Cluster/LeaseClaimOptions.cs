namespace Stash.Restore.Core.Cluster;

/// <summary>How long a unit claim lasts and how often it is renewed or polled.</summary>
internal sealed record LeaseClaimOptions
{
    /// <summary>A claim not renewed for this long may be taken over. Whole seconds (the API's unit).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a waiting executor looks again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    public static LeaseClaimOptions Default { get; } = new();
}
