namespace Stash.Restore.Core.Engine;

/// <summary>Exclusive right to restore one unit of one session.</summary>
internal interface IUnitClaim : IAsyncDisposable
{
    /// <summary>Cancelled when the claim is lost (lease taken over, renewals failing).</summary>
    CancellationToken Lost { get; }
}

/// <summary>
/// Makes executors that resolve to the same host take turns (all Deployment replicas are host-0).
/// </summary>
internal interface IUnitClaims
{
    /// <summary>Waits until this executor holds the claim for <paramref name="unit"/>.</summary>
    Task<IUnitClaim> AcquireAsync(string unit, CancellationToken cancellationToken);
}
