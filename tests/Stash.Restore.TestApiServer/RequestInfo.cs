namespace Stash.Restore.TestApiServer;

/// <summary>What a request addresses, parsed like the real server's RequestInfoFactory.</summary>
internal sealed record RequestInfo(
    bool IsResourceRequest,
    string Path,
    string Verb,
    string Group,
    string Version,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name)
{
    public static RequestInfo Parse(string method, string path, bool watch)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var nonResource = new RequestInfo(false, path, method.ToLowerInvariant(), "", "", "", null, null, null);
        // As kube-apiserver: an empty group (/apis//v1/…) is no API path; the core group is /api/v1 only.
        if (path.TrimStart('/').StartsWith("apis//", StringComparison.Ordinal))
            return nonResource with { Verb = method == "GET" ? "get" : method.ToLowerInvariant() };
        int index;
        string group, version;
        if (parts.Length >= 3 && parts[0] == "api")
        {
            group = "";
            version = parts[1];
            index = 2;
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            group = parts[1];
            version = parts[2];
            index = 3;
        }
        else
        {
            return nonResource with { Verb = method == "GET" ? "get" : method.ToLowerInvariant() };
        }
        var rest = parts[index..];
        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            // "namespaces/<ns>" and its status/finalize subresources address the namespace itself.
            if (rest.Length > 2 && rest[2] is not ("status" or "finalize"))
                rest = rest[2..];
        }
        var resource = rest[0];
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? string.Join('/', rest[2..]) : null;
        var verb = method switch
        {
            "GET" or "HEAD" when watch => "watch",
            "GET" or "HEAD" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        // Exec is authorised as "create" on pods/exec whatever the method (GET for WebSockets).
        if (subresource is "exec" or "attach" or "portforward")
            verb = "create";
        return new RequestInfo(true, path, verb, group, version, resource, subresource, ns, name);
    }
}
