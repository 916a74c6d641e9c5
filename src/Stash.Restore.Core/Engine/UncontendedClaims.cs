namespace Stash.Restore.Core.Engine;

/// <summary>
/// No other executor to take turns with — offline, or one pod per Job (<c>--restore-model=job</c>,
/// as upstream takes no lock there): the claim is granted at once.
/// </summary>
internal sealed class UncontendedClaims : IUnitClaims
{
    /// <summary>A claim that is granted and never lost: taking turns is not possible, or not needed.</summary>
    public static IUnitClaim Unclaimed { get; } = new Granted();

    public Task<IUnitClaim> AcquireAsync(string unit, CancellationToken cancellationToken) =>
        Task.FromResult(Unclaimed);

    private sealed class Granted : IUnitClaim
    {
        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
