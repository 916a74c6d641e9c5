namespace Stash.Restore.Core.Secrets;

/// <summary>
/// Replaces every registered secret value with <c>***</c>. One instance per run; everything
/// that leaves the process (logs, status, events, exception messages) passes through it.
/// </summary>
internal sealed class SecretMasker
{
    public const string Mask = "***";

    // Shorter values would mask ordinary words and numbers and make output unreadable.
    private const int MinimumLength = 4;

    private readonly Lock _gate = new();
    private string[] _secrets = [];

    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
            return;
        lock (_gate)
        {
            var candidates = new[] { secret, secret.Trim() }.Concat(secret.Split('\n', StringSplitOptions.TrimEntries));
            _secrets = _secrets.Concat(candidates.Where(s => s.Length >= MinimumLength))
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length) // longest first, so a secret containing another is masked whole
                .ToArray();
        }
    }

    public void AddRange(IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
            Add(secret);
    }

    public string Apply(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        var secrets = _secrets;
        foreach (var secret in secrets)
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }
}
