namespace Stash.Restore.Core.Engine;

/// <summary>Offline there is no other executor to take turns with: the claim is granted at once.</summary>
internal sealed class UncontendedClaims : IUnitClaims
{
    public Task<IUnitClaim> AcquireAsync(string unit, CancellationToken cancellationToken) =>
        Task.FromResult<IUnitClaim>(new Granted());

    private sealed class Granted : IUnitClaim
    {
        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
