using System.Text;

namespace Stash.Restore.Core.Secrets;

/// <summary>What <see cref="SecretMasker.RegisterSecretData"/> did with one Secret: which keys are masked, which shown.</summary>
internal sealed record SecretRegistration(string Source, IReadOnlyList<string> MaskedKeys, IReadOnlyList<string> ShownKeys);

/// <summary>
/// Replaces every registered credential with <c>***</c>. One instance per run; everything that
/// leaves the process (logs, status, events, hook messages, exception messages) passes through it.
/// </summary>
/// <remarks>
/// <para>What is masked: each credential value and its <see cref="SecretForms"/> (trimmed,
/// URL-encoded, JSON-escaped, each line, a JSON key's private key), plus the password of any
/// <c>scheme://user:password@</c> URL (<see cref="UrlRedactor"/>).</para>
/// <para>How: a value of <see cref="SubstringMinimumLength"/> or more characters is masked wherever it
/// appears, inside words too. A shorter value is masked where it stands as a whole token (not
/// preceded or followed by a letter, digit or <c>_</c>), so a 3-character password is hidden in
/// <c>pw=abc</c> while <c>abc</c> inside <c>abcdef</c> is left alone.</para>
/// <para>What is not: identifiers (see <see cref="SecretKeyClassifier"/>), and a credential shorter
/// than one of <see cref="FixedPhrases"/> where it is part of that phrase — texts restic and this program print
/// whatever the password is (a password <c>wrong</c> leaves <c>wrong password</c> readable).</para>
/// </remarks>
internal sealed class SecretMasker
{
    public const string Mask = "***";

    /// <summary>Values at least this long are masked inside other text too; shorter ones only as whole tokens.</summary>
    public const int SubstringMinimumLength = 8;

    /// <summary>Fixed texts printed whatever the secrets are, so showing them reveals nothing; a shorter credential inside one is not masked there.</summary>
    public static readonly IReadOnlyList<string> FixedPhrases = ["wrong password", "no key found"];

    private readonly Lock _gate = new();
    private string[] _values = [];
    private readonly List<SecretRegistration> _registrations = [];

    /// <summary>The Secrets registered so far (for a debug line saying what is masked).</summary>
    public IReadOnlyList<SecretRegistration> Registrations
    {
        get
        {
            lock (_gate)
                return _registrations.ToArray();
        }
    }

    /// <summary>
    /// Registers a Secret's data where it is read: every credential key's value (with its derived
    /// forms) is masked from now on; identifier keys are not, except a password inside a URL.
    /// </summary>
    /// <param name="source">The Secret, for the debug line: <c>Secret demo/minio-creds</c>.</param>
    public SecretRegistration RegisterSecretData(string source, IReadOnlyDictionary<string, string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var masked = new List<string>();
        var shown = new List<string>();
        foreach (var (key, value) in data.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            if (SecretKeyClassifier.IsCredential(key))
            {
                Add(value);
                masked.Add(key);
            }
            else
            {
                AddRange(UrlRedactor.Passwords(value));
                shown.Add(key);
            }
        }
        var registration = new SecretRegistration(source, masked, shown);
        lock (_gate)
            _registrations.Add(registration);
        return registration;
    }

    /// <summary>Registers one credential value (with its derived forms).</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
            return;
        var forms = SecretForms.Of(secret);
        lock (_gate)
        {
            var values = _values.Concat(forms)
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length) // longest first, so a secret containing another is masked whole
                .ThenBy(s => s, StringComparer.Ordinal)
                .ToArray();
            Volatile.Write(ref _values, values);
        }
    }

    public void AddRange(IEnumerable<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var secret in secrets)
            Add(secret);
    }

    public string Apply(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return text ?? "";
        // Registration swaps the array under the lock; a reader takes whichever array is current.
        var values = Volatile.Read(ref _values);
        var ranges = new List<(int Start, int Length)>();
        List<(int Start, int Length)>? phrases = null;
        foreach (var value in values)
        {
            for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                if (value.Length < SubstringMinimumLength && !IsWholeToken(text, at, value))
                    continue;
                if (Overlaps(ranges, at, value.Length))
                    continue;
                phrases ??= FindPhrases(text);
                if (phrases.Any(p => at >= p.Start && at + value.Length <= p.Start + p.Length && value.Length < p.Length))
                    continue;
                ranges.Add((at, value.Length));
            }
        }
        return UrlRedactor.RedactAll(ranges.Count == 0 ? text : Replace(text, ranges));
    }

    /// <summary>Masks, then shortens to <paramref name="maxLength"/> characters keeping the start — never the other way round, or a secret cut in two escapes the mask.</summary>
    public string ApplyAndShorten(string? text, int maxLength)
    {
        var masked = Apply(text);
        return masked.Length > maxLength ? masked[..maxLength] + "…" : masked;
    }

    /// <summary>Masks, then shortens to <paramref name="maxLength"/> characters keeping the end (the last lines of output).</summary>
    public string ApplyAndKeepEnd(string? text, int maxLength)
    {
        var masked = Apply(text);
        return masked.Length > maxLength ? "…" + masked[^maxLength..] : masked;
    }

    private static bool IsWholeToken(string text, int at, string value)
    {
        var end = at + value.Length;
        if (IsTokenChar(value[0]) && at > 0 && IsTokenChar(text[at - 1]))
            return false;
        if (IsTokenChar(value[^1]) && end < text.Length && IsTokenChar(text[end]))
            return false;
        return true;
    }

    private static bool IsTokenChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static bool Overlaps(List<(int Start, int Length)> ranges, int start, int length) =>
        ranges.Any(r => start < r.Start + r.Length && r.Start < start + length);

    private static List<(int Start, int Length)> FindPhrases(string text)
    {
        var found = new List<(int Start, int Length)>();
        foreach (var phrase in FixedPhrases)
        {
            for (var at = text.IndexOf(phrase, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(phrase, at + 1, StringComparison.OrdinalIgnoreCase))
                found.Add((at, phrase.Length));
        }
        return found;
    }

    private static string Replace(string text, List<(int Start, int Length)> ranges)
    {
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var (start, length) in ranges)
        {
            builder.Append(text, position, start - position).Append(Mask);
            position = start + length;
        }
        return builder.Append(text, position, text.Length - position).ToString();
    }
}
