using System.Text.Encodings.Web;
using System.Text.Json;

namespace Stash.Restore.Core.Secrets;

/// <summary>
/// The shapes a credential value takes in text the program prints, so each can be registered
/// with the value: the value trimmed (mounted files end in a newline), URL-encoded (as in a
/// <c>rest:</c> URL's user info), JSON-escaped (an API error body echoing a request), each line
/// of a multi-line value (a hook printing a PEM key line by line) and, for a JSON key file, the
/// credential fields inside it (a GCS key's <c>private_key</c>, decoded and as written in the file).
/// </summary>
internal static class SecretForms
{
    public static IEnumerable<string> Of(string? value)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal);
        Collect(value, forms, depth: 0);
        return forms;
    }

    private static void Collect(string? value, HashSet<string> forms, int depth)
    {
        if (string.IsNullOrEmpty(value) || string.IsNullOrWhiteSpace(value))
            return;
        // Trimmed only: the newline a mounted file ends with is no secret, and masking it would join lines.
        var trimmed = value.Trim();
        Keep(forms, trimmed);
        Keep(forms, Uri.EscapeDataString(trimmed));
        Keep(forms, JsonEncodedText.Encode(trimmed, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
        Keep(forms, JsonEncodedText.Encode(trimmed).ToString());

        // A JSON key file: its credential fields, not its lines ("type": "service_account" is no secret).
        if (depth == 0 && trimmed.StartsWith('{') && CollectJsonFields(trimmed, forms))
            return;

        if (trimmed.Contains('\n', StringComparison.Ordinal))
        {
            foreach (var line in trimmed.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // PEM armour ("-----BEGIN PRIVATE KEY-----") is the same in every key; a line
                // without a letter or digit ("{", "}") would mask punctuation everywhere.
                if (line.StartsWith("-----", StringComparison.Ordinal) || !line.Any(char.IsLetterOrDigit))
                    continue;
                Keep(forms, line);
            }
        }
    }

    /// <summary>String fields of a JSON key file whose names say they are credentials (<c>private_key</c>, <c>client_secret</c>, <c>refresh_token</c>).</summary>
    /// <returns>False when <paramref name="json"/> is not a JSON object (then its lines are registered instead).</returns>
    private static bool CollectJsonFields(string json, HashSet<string> forms)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return false;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return false;
            foreach (var field in document.RootElement.EnumerateObject())
            {
                if (field.Value.ValueKind != JsonValueKind.String)
                    continue;
                var name = field.Name.ToUpperInvariant();
                if (!SecretKeyClassifier.CredentialMarkers.Any(marker => name.Contains(marker, StringComparison.Ordinal)) && !name.EndsWith("KEY", StringComparison.Ordinal))
                    continue;
                Collect(field.Value.GetString(), forms, depth: 1);
                // As written in the file ("-----BEGIN…\nMIIE…"): what a hook that prints the file shows.
                var raw = field.Value.GetRawText();
                Keep(forms, raw[1..^1]);
            }
        }
        return true;
    }

    private static void Keep(HashSet<string> forms, string form)
    {
        if (form.Length > 0 && !string.IsNullOrWhiteSpace(form))
            forms.Add(form);
    }
}
