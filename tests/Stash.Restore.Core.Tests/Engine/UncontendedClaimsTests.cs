using Stash.Restore.Core.Engine;

namespace Stash.Restore.Core.Tests.Engine;

/// <summary>Offline, or one pod per Job: the claim is granted at once and never lost.</summary>
public sealed class UncontendedClaimsTests
{
    [Fact]
    public async Task The_claim_is_granted_at_once_and_never_lost()
    {
        var claimTask = new UncontendedClaims().AcquireAsync("host-0", CancellationToken.None);

        Assert.True(claimTask.IsCompletedSuccessfully);
        await using var claim = await claimTask;
        Assert.False(claim.Lost.CanBeCanceled);
    }
}
