using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// The validation the real server applies to built-in types where a client could get it wrong:
/// object names, events (k8s.io/kubernetes ValidateEventCreate: legacy rules for core/v1, plus the
/// stricter ones for events.k8s.io/v1), and RBAC objects (pkg/apis/rbac/validation: rules need verbs, a
/// resource rule an API group and a resource; a binding's roleRef and subjects).
/// </summary>
internal static partial class BuiltInValidation
{
    private const string SubdomainRegex = @"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

    [GeneratedRegex("^" + SubdomainRegex + "$")]
    private static partial Regex Subdomain();

    /// <summary>The name rule of <paramref name="type"/>: RBAC objects take any path segment (<c>system:basic-user</c>), the rest RFC 1123 subdomains.</summary>
    public static FieldError? NameError(ResourceType type, string name)
    {
        if (type.Group != "rbac.authorization.k8s.io")
            return NameError(name);
        if (name is "." or "..")
            return FieldError.Invalid("metadata.name", $"\"{name}\"", $"may not be '{name}'");
        foreach (var bad in new[] { "/", "%" })
        {
            if (name.Contains(bad, StringComparison.Ordinal))
                return FieldError.Invalid("metadata.name", $"\"{name}\"", $"may not contain '{bad}'");
        }
        return null;
    }

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
        else if (type.Group == "rbac.authorization.k8s.io")
        {
            if (type.Kind is "Role" or "ClusterRole")
                PolicyRules(obj["rules"] as JsonArray, namespaced: type.Kind == "Role", errors);
            else
                Binding(obj, clusterWide: type.Kind == "ClusterRoleBinding", errors);
        }
        return errors;
    }

    /// <summary>ValidatePolicyRule for each rule.</summary>
    private static void PolicyRules(JsonArray? rules, bool namespaced, List<FieldError> errors)
    {
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i] as JsonObject;
            var path = $"rules[{i}]";
            int Count(string key) => rule?[key] is JsonArray a ? a.Count : 0;
            if (Count("verbs") == 0)
                errors.Add(FieldError.RequiredWithDetail($"{path}.verbs", "verbs must contain at least one value"));
            if (Count("nonResourceURLs") > 0)
            {
                var urls = $"[]string{{{string.Join(", ", ((JsonArray)rule!["nonResourceURLs"]!).Select(u => $"\"{u}\""))}}}";
                if (namespaced)
                    errors.Add(FieldError.Invalid($"{path}.nonResourceURLs", urls, "namespaced rules cannot apply to non-resource URLs"));
                if (Count("apiGroups") > 0 || Count("resources") > 0 || Count("resourceNames") > 0)
                    errors.Add(FieldError.Invalid($"{path}.nonResourceURLs", urls, "rules cannot apply to both regular resources and non-resource URLs"));
                continue;
            }
            if (Count("apiGroups") == 0)
                errors.Add(FieldError.RequiredWithDetail($"{path}.apiGroups", "resource rules must supply at least one api group"));
            if (Count("resources") == 0)
                errors.Add(FieldError.RequiredWithDetail($"{path}.resources", "resource rules must supply at least one resource"));
        }
    }

    /// <summary>ValidateRoleBinding / ValidateClusterRoleBinding: the roleRef and each subject.</summary>
    private static void Binding(JsonObject binding, bool clusterWide, List<FieldError> errors)
    {
        var roleRef = binding["roleRef"] as JsonObject;
        if (Text(roleRef, "apiGroup") != "rbac.authorization.k8s.io")
            errors.Add(FieldError.NotSupported("roleRef.apiGroup", $"\"{Text(roleRef, "apiGroup")}\"", ["\"rbac.authorization.k8s.io\""]));
        string[] kinds = clusterWide ? ["ClusterRole"] : ["Role", "ClusterRole"];
        if (!kinds.Contains(Text(roleRef, "kind")))
            errors.Add(FieldError.NotSupported("roleRef.kind", $"\"{Text(roleRef, "kind")}\"", kinds.Select(k => $"\"{k}\"")));
        if (Text(roleRef, "name").Length == 0)
            errors.Add(FieldError.Required("roleRef.name"));
        var subjects = binding["subjects"] as JsonArray ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i] as JsonObject;
            var path = $"subjects[{i}]";
            if (Text(subject, "name").Length == 0)
                errors.Add(FieldError.Required($"{path}.name"));
            switch (Text(subject, "kind"))
            {
                case "ServiceAccount":
                    if (Text(subject, "apiGroup").Length > 0)
                        errors.Add(FieldError.NotSupported($"{path}.apiGroup", $"\"{Text(subject, "apiGroup")}\"", ["\"\""]));
                    if (clusterWide && Text(subject, "namespace").Length == 0)
                        errors.Add(FieldError.Required($"{path}.namespace"));
                    break;
                case "User" or "Group":
                    if (Text(subject, "apiGroup") != "rbac.authorization.k8s.io")
                        errors.Add(FieldError.NotSupported($"{path}.apiGroup", $"\"{Text(subject, "apiGroup")}\"", ["\"rbac.authorization.k8s.io\""]));
                    break;
                default:
                    errors.Add(FieldError.NotSupported($"{path}.kind", $"\"{Text(subject, "kind")}\"", ["\"ServiceAccount\"", "\"User\"", "\"Group\""]));
                    break;
            }
        }
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
