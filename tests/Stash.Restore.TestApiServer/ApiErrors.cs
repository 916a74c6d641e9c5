using System.Text.Json.Nodes;

namespace Stash.Restore.TestApiServer;

/// <summary>An error answered as a Kubernetes <c>Status</c> body.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(JsonObject status)
        : base((string?)status["message"])
    {
        Status = status;
        Code = (int)status["code"]!;
    }

    public JsonObject Status { get; }

    public int Code { get; }

    /// <summary>Extra response headers, e.g. Retry-After.</summary>
    public Dictionary<string, string> Headers { get; } = [];
}

/// <summary>Builds <c>Status</c> bodies with the reasons and messages the real API server uses.</summary>
internal static class ApiErrors
{
    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
            status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static JsonObject Details(string? name, string group, string kind)
    {
        var details = new JsonObject();
        if (!string.IsNullOrEmpty(name))
            details["name"] = name;
        if (group.Length > 0)
            details["group"] = group;
        details["kind"] = kind;
        return details;
    }

    private static JsonObject ResourceDetails(ResourceType type, string? name) => Details(name, type.Group, type.Plural);

    public static ApiException NotFound(ResourceType type, string name) =>
        new(Status(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found", ResourceDetails(type, name)));

    public static ApiException PathNotFound() =>
        new(Status(404, "NotFound", "the server could not find the requested resource", new JsonObject()));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(Status(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", ResourceDetails(type, name)));

    public static ApiException Conflict(ResourceType type, string name) =>
        new(Status(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            ResourceDetails(type, name)));

    public static ApiException ConflictWithMessage(ResourceType type, string name, string why) =>
        new(Status(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": {why}", ResourceDetails(type, name)));

    public static ApiException Unauthorized() => new(Status(401, "Unauthorized", "Unauthorized"));

    /// <param name="reason">The authorizer's reason, appended as the real server appends it (<c>RBAC: clusterrole… not found</c>).</param>
    public static ApiException Forbidden(RequestInfo request, string user, string? reason = null)
    {
        var resource = request.Subresource is null ? request.Resource : $"{request.Resource}/{request.Subresource}";
        var scope = string.IsNullOrEmpty(request.Namespace)
            ? "at the cluster scope"
            : $"in the namespace \"{request.Namespace}\"";
        var why = $"User \"{user}\" cannot {request.Verb} resource \"{resource}\" in API group \"{request.Group}\" {scope}";
        var qualified = request.Group.Length == 0 ? request.Resource : $"{request.Resource}.{request.Group}";
        var message = string.IsNullOrEmpty(request.Name)
            ? $"{qualified} is forbidden: {why}"
            : $"{qualified} \"{request.Name}\" is forbidden: {why}";
        if (!string.IsNullOrEmpty(reason))
            message += ": " + reason;
        return new(Status(403, "Forbidden", message, Details(request.Name, request.Group, request.Resource)));
    }

    public static ApiException ForbiddenPath(string user, string verb, string path) =>
        new(Status(403, "Forbidden", $"forbidden: User \"{user}\" cannot {verb} path \"{path}\"", new JsonObject()));

    public static ApiException BadRequest(string message) => new(Status(400, "BadRequest", message));

    public static ApiException MethodNotAllowed() =>
        new(Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject()));

    public static ApiException UnsupportedMediaType() =>
        new(Status(415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            new JsonObject()));

    public static ApiException Internal(string message) =>
        new(Status(500, "InternalError", $"Internal error occurred: {message}",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) }));

    /// <summary>422 from a JSON patch that cannot be applied (e.g. a failed <c>test</c> op), as the real server words it.</summary>
    public static ApiException PatchRejected(string why) =>
        new(Status(422, "Invalid", "the server rejected our request due to an error in our request",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "UnexpectedServerResponse", ["message"] = why }) }));

    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
            causes.Add(new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field });
        var details = Details(name, type.Group, type.Kind);
        details["causes"] = causes;
        var aggregate = errors.Count == 1 ? errors[0].ToString() : $"[{string.Join(", ", errors.Select(e => e.ToString()))}]";
        return new(Status(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {aggregate}", details));
    }

    /// <summary>An injected failure with the body the real server sends for that code.</summary>
    public static ApiException Injected(int code, int retryAfterSeconds, ResourceType? type, string? name)
    {
        JsonObject status = code switch
        {
            429 => Status(429, "TooManyRequests", "Too many requests, please try again later.", new JsonObject()),
            503 => Status(503, "ServiceUnavailable", "The server is currently unable to handle the request", new JsonObject()),
            409 when type is not null => Conflict(type, name ?? "").Status,
            409 => Status(409, "Conflict", "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again", new JsonObject()),
            // A continue token older than etcd's compaction window, worded as kube-apiserver words it.
            410 => Status(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.", new JsonObject()),
            500 => Status(500, "InternalError", "Internal error occurred: injected fault", new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = "injected fault" }) }),
            _ => Status(code, "Unknown", $"injected fault with status code {code}", new JsonObject()),
        };
        var e = new ApiException(status);
        if (retryAfterSeconds > 0 && code is 429 or 503)
        {
            ((JsonObject)status["details"]!)["retryAfterSeconds"] = retryAfterSeconds;
            e.Headers["Retry-After"] = retryAfterSeconds.ToString();
        }
        return e;
    }
}

/// <summary>One field error, worded like k8s.io/apimachinery's field.Error.</summary>
internal sealed record FieldError(string Field, string Reason, string Body)
{
    public override string ToString() => $"{Field}: {Body}";

    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError NotSupported(string field, string value, IEnumerable<string> supported) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {value}: supported values: {string.Join(", ", supported)}");

    public static FieldError Invalid(string field, string value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: {value}: {detail}");

    public static FieldError RequiredWithDetail(string field, string detail) =>
        new(field, "FieldValueRequired", $"Required value: {detail}");
}
