using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// The validation the real server applies to built-in types where a client could get it wrong:
/// object names, and events (k8s.io/kubernetes ValidateEventCreate: legacy rules for core/v1, plus the
/// stricter ones for events.k8s.io/v1).
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
        {
            LegacyEventRules(obj, obj["regarding"] as JsonObject, "reportingController", "note", errors);
            NewEventRules(obj, errors);
        }
        else if (type is { Group: "", Plural: "events" })
        {
            LegacyEventRules(obj, obj["involvedObject"] as JsonObject, "reportingComponent", "message", errors);
        }
        return errors;
    }

    private static string Text(JsonObject? obj, string key) => obj?[key] is JsonValue v ? v.ToString() : "";

    /// <summary>k8s.io/kubernetes legacyValidateEvent: what every event must satisfy, keyed on eventTime.</summary>
    private static void LegacyEventRules(JsonObject evt, JsonObject? involved, string controllerField, string messageField, List<FieldError> errors)
    {
        var eventNamespace = Text(evt["metadata"] as JsonObject, "namespace");
        var involvedNamespace = Text(involved, "namespace");
        var mismatch = FieldError.Invalid("involvedObject.namespace", $"\"{involvedNamespace}\"", "does not match event.namespace");
        if (Text(evt, "eventTime").Length == 0)
        {
            if (involvedNamespace.Length == 0 ? eventNamespace is not ("" or "default") : eventNamespace != involvedNamespace)
                errors.Add(mismatch);
            return;
        }
        if (involvedNamespace.Length == 0 && eventNamespace is not ("default" or "kube-system"))
            errors.Add(mismatch);
        RequiredWithLimit(evt, controllerField, 0, errors);
        RequiredWithLimit(evt, "reportingInstance", 128, errors);
        RequiredWithLimit(evt, "action", 128, errors);
        RequiredWithLimit(evt, "reason", 128, errors);
        if (Text(evt, messageField).Length > 1024)
            errors.Add(FieldError.Invalid(messageField, "\"\"", "can have at most 1024 characters"));
    }

    /// <summary>The stricter rules for events created through events.k8s.io/v1.</summary>
    private static void NewEventRules(JsonObject evt, List<FieldError> errors)
    {
        if (Text(evt, "eventTime").Length == 0)
            errors.Add(FieldError.Required("eventTime"));
        var type = Text(evt, "type");
        if (type is not ("Normal" or "Warning"))
            errors.Add(FieldError.Invalid("type", "\"\"", $"has invalid value: {type}"));
        if (Text(evt, "deprecatedFirstTimestamp").Length > 0)
            errors.Add(FieldError.Invalid("firstTimestamp", "\"\"", "needs to be unset"));
        if (Text(evt, "deprecatedLastTimestamp").Length > 0)
            errors.Add(FieldError.Invalid("lastTimestamp", "\"\"", "needs to be unset"));
    }

    private static void RequiredWithLimit(JsonObject evt, string field, int limit, List<FieldError> errors)
    {
        var value = Text(evt, field);
        if (value.Length == 0)
            errors.Add(FieldError.Required(field));
        else if (limit > 0 && value.Length > limit)
            errors.Add(FieldError.Invalid(field, "\"\"", $"can have at most {limit} characters"));
    }
}
