using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// The validation the real server applies to built-in types where a client could get it wrong:
/// object names, and events (legacy core/v1 and events.k8s.io/v1 rules).
/// </summary>
internal static partial class BuiltInValidation
{
    private const string SubdomainRegex = @"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

    [GeneratedRegex("^" + SubdomainRegex + "$")]
    private static partial Regex Subdomain();

    public static FieldError? NameError(string name)
    {
        if (name.Length > 253)
            return FieldError.Invalid("metadata.name", $"\"{name}\"", "must be no more than 253 characters");
        return Subdomain().IsMatch(name)
            ? null
            : FieldError.Invalid("metadata.name", $"\"{name}\"",
                $"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{SubdomainRegex}')");
    }

    public static List<FieldError> Validate(ResourceType type, JsonObject obj)
    {
        var errors = new List<FieldError>();
        if (type is { Group: "events.k8s.io", Plural: "events" })
            ValidateNewEvent(obj, errors);
        else if (type is { Group: "", Plural: "events" })
            ValidateLegacyEvent(obj, errors);
        return errors;
    }

    private static string Text(JsonObject obj, string key) => obj[key] is JsonValue v ? v.ToString() : "";

    private static void ValidateNewEvent(JsonObject obj, List<FieldError> errors)
    {
        if (Text(obj, "eventTime").Length == 0)
            errors.Add(FieldError.Required("eventTime"));
        var type = Text(obj, "type");
        if (type is not ("Normal" or "Warning"))
            errors.Add(FieldError.Invalid("type", "\"\"", $"has invalid value: {type}"));
        if (Text(obj, "deprecatedFirstTimestamp").Length > 0)
            errors.Add(FieldError.Invalid("firstTimestamp", "\"\"", "needs to be unset"));
        foreach (var required in new[] { "reportingController", "reportingInstance", "action", "reason" })
        {
            if (Text(obj, required).Length == 0)
                errors.Add(FieldError.Required(required));
        }
        if (Text(obj, "note").Length > 1024)
            errors.Add(FieldError.Invalid("note", "\"\"", "can have at most 1024 characters"));
        if (obj["regarding"] is JsonObject regarding)
            CheckNamespace(obj, regarding, "regarding", errors);
    }

    private static void ValidateLegacyEvent(JsonObject obj, List<FieldError> errors)
    {
        if (obj["involvedObject"] is JsonObject involved)
            CheckNamespace(obj, involved, "involvedObject", errors);
        if (Text(obj, "reportingController").Length > 0)
        {
            // A new-style event sent through the core API gets the new rules.
            foreach (var required in new[] { "reportingInstance", "action", "reason" })
            {
                if (Text(obj, required).Length == 0)
                    errors.Add(FieldError.Required(required));
            }
        }
    }

    private static void CheckNamespace(JsonObject evt, JsonObject involved, string field, List<FieldError> errors)
    {
        var eventNamespace = (string?)evt["metadata"]?["namespace"] ?? "";
        var involvedNamespace = Text(involved, "namespace");
        // Cluster-scoped objects (no namespace) may have events in default; namespaced ones must match.
        if (involvedNamespace.Length > 0 && involvedNamespace != eventNamespace)
            errors.Add(FieldError.Invalid($"{field}.namespace", $"\"{involvedNamespace}\"", "does not match event.namespace"));
    }
}
