using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Tests.Hooks;

/// <summary>The last lines of a hook's output as its error message shows them: masked, even a secret split over lines, cut at the end.</summary>
public sealed class OutputTailTests
{
    private readonly SecretMasker _masker = new();

    [Fact]
    public void Only_the_last_lines_are_kept_and_each_comes_back_masked()
    {
        _masker.Add("pg-secret-77");
        var tail = new OutputTail(2, _masker);

        var logged = tail.Add("connecting as postgres");
        tail.Add("password pg-secret-77 refused");
        tail.Add("exit 1");

        Assert.Equal("connecting as postgres", logged);
        Assert.Equal(["password *** refused", "exit 1"], tail.Lines);
        Assert.Equal("password *** refused | exit 1", tail.Text(" | ", 100));
    }

    [Fact]
    public void A_secret_printed_over_several_lines_never_shows()
    {
        _masker.Add("-----BEGIN KEY-----\nAAAAsecretline\n-----END KEY-----");
        var tail = new OutputTail(10, _masker);
        foreach (var line in new[] { "key:", "-----BEGIN KEY-----", "AAAAsecretline", "-----END KEY-----" })
            tail.Add(line);

        Assert.DoesNotContain("AAAAsecretline", tail.Text("; ", 1000));
        Assert.DoesNotContain(tail.Lines, l => l.Contains("AAAAsecretline", StringComparison.Ordinal));
    }

    [Fact]
    public void Too_long_a_text_keeps_its_last_characters_after_an_ellipsis()
    {
        var tail = new OutputTail(10, _masker);
        tail.Add(new string('x', 200));
        tail.Add("ERROR: relation \"users\" does not exist");

        var text = tail.Text(" / ", 60);

        Assert.Equal("…" + new string('x', 19) + " / ERROR: relation \"users\" does not exist", text);
    }
}
