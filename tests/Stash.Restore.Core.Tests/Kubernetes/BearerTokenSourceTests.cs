using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Kubernetes;

/// <summary>A token read from a file that rotates (a projected service account token): re-read when the file changes, and after a 401 only when the re-read gives a different token.</summary>
public sealed class BearerTokenSourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_token_file_is_read_again_when_the_file_changes()
    {
        var tokenPath = _temp.Write("sa/token", "first-token-1234\n");
        var token = BearerTokenSource.FromFile(tokenPath, TimeProvider.System);
        Assert.Equal("first-token-1234", token.GetToken());

        File.WriteAllText(tokenPath, "second-token-5678");
        File.SetLastWriteTimeUtc(tokenPath, DateTime.UtcNow.AddMinutes(1)); // rotation always moves mtime

        Assert.Equal("second-token-5678", token.GetToken());
    }

    [Fact]
    public void Refresh_reports_whether_a_rotated_token_is_worth_another_try()
    {
        var tokenPath = _temp.Write("sa/token", "first-token-1234\n");
        var token = BearerTokenSource.FromFile(tokenPath, TimeProvider.System);
        _ = token.GetToken();

        Assert.False(token.Refresh());
        File.WriteAllText(tokenPath, "second-token-5678");
        Assert.True(token.Refresh());
        Assert.Equal("second-token-5678", token.GetToken());
    }
}
