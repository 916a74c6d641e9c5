using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>The hand-written REST implementation of <see cref="IKubernetesApi"/>.</summary>
internal sealed class KubernetesApi(KubernetesConnection connection, SecretMasker? masker = null) : IKubernetesApi
{
    private const string JsonPatch = "application/json-patch+json";
    private const string RestoreSessions = "restoresessions.stash.appscode.com";
    private const string Repositories = "repositories.stash.appscode.com";
    private const string Leases = "leases.coordination.k8s.io";

    public KubernetesConnection Connection => connection;

    public async Task<RestoreSession> GetRestoreSessionAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", RestoreSessions, @namespace, name);
        var body = await GetAsync(RestoreSessionPath(@namespace, name), target, cancellationToken).ConfigureAwait(false);
        var source = $"RestoreSession {@namespace}/{name}";
        var session = ObjectFileReader.Parse(body, StashJsonContext.Default.RestoreSession, source);
        return StashObjects.AcceptRestoreSession(session, source);
    }

    public async Task<JsonObject> GetRestoreSessionStatusObjectAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", RestoreSessions, @namespace, name, "status");
        var body = await GetAsync(RestoreSessionPath(@namespace, name) + "/status", target, cancellationToken).ConfigureAwait(false);
        return ParseObject(body, target);
    }

    public async Task<JsonObject> ReplaceRestoreSessionStatusAsync(string @namespace, string name, JsonObject restoreSession, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("update", RestoreSessions, @namespace, name, "status");
        var response = await SendAsync(HttpMethod.Put, RestoreSessionPath(@namespace, name) + "/status", target,
            restoreSession.ToJsonString(), "application/json", RequestSafety.Idempotent, cancellationToken).ConfigureAwait(false);
        return ParseObject(EnsureSuccess(response, target), target);
    }

    public async Task<JsonObject> PatchRestoreSessionStatusAsync(string @namespace, string name, JsonArray jsonPatch, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("patch", RestoreSessions, @namespace, name, "status");
        var response = await SendAsync(HttpMethod.Patch, RestoreSessionPath(@namespace, name) + "/status", target,
            jsonPatch.ToJsonString(), JsonPatch, RequestSafety.NotIdempotent, cancellationToken).ConfigureAwait(false);
        return ParseObject(EnsureSuccess(response, target), target);
    }

    public async Task<Repository> GetRepositoryAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", Repositories, @namespace, name);
        var body = await GetAsync($"/apis/stash.appscode.com/v1alpha1/namespaces/{Segment(@namespace)}/repositories/{Segment(name)}", target, cancellationToken)
            .ConfigureAwait(false);
        var source = $"Repository {@namespace}/{name}";
        return StashObjects.AcceptRepository(ObjectFileReader.Parse(body, StashJsonContext.Default.Repository, source), source);
    }

    public async Task<IReadOnlyDictionary<string, string>> GetSecretDataAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", "secrets", @namespace, name);
        var body = await GetAsync($"/api/v1/namespaces/{Segment(@namespace)}/secrets/{Segment(name)}", target, cancellationToken).ConfigureAwait(false);
        SecretObject secret;
        try
        {
            secret = JsonSerializer.Deserialize(body, KubernetesJsonContext.Default.SecretObject)
                ?? throw new InvalidInputException($"Secret {@namespace}/{name}: empty answer");
        }
        catch (JsonException)
        {
            // Neither the message nor the inner exception: JsonException text can quote a secret value.
            throw new InvalidInputException($"Secret {@namespace}/{name}: not a valid Secret object");
        }
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, encoded) in secret.Data ?? [])
        {
            string value;
            try
            {
                value = Encoding.UTF8.GetString(Convert.FromBase64String(encoded ?? ""));
            }
            catch (FormatException)
            {
                throw new InvalidInputException($"Secret {@namespace}/{name}: data key '{key}' is not valid base64");
            }
            masker?.Add(value);
            data[key] = value;
        }
        return data;
    }

    public async Task<PodInfo> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", "pods", @namespace, name);
        var body = await GetAsync($"/api/v1/namespaces/{Segment(@namespace)}/pods/{Segment(name)}", target, cancellationToken).ConfigureAwait(false);
        var pod = Deserialize(body, KubernetesJsonContext.Default.PodObject, target);
        var containers = (pod.Spec.Containers ?? [])
            .Select(c => new ContainerInfo(c.Name ?? "", (c.Ports ?? []).Select(p => new ContainerPortInfo(p.Name, p.ContainerPort)).ToList()))
            .ToList();
        return new PodInfo(pod.Metadata.Name ?? name, pod.Metadata.Namespace ?? @namespace, pod.Status?.PodIP, containers);
    }

    public async Task CreateEventAsync(string @namespace, EventObject kubernetesEvent, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("create", "events", @namespace, kubernetesEvent.Metadata.Name);
        var response = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{Segment(@namespace)}/events", target,
            JsonSerializer.Serialize(kubernetesEvent, KubernetesJsonContext.Default.EventObject), "application/json",
            RequestSafety.Idempotent, cancellationToken).ConfigureAwait(false);
        // The event has a fixed name: AlreadyExists means an earlier attempt got through.
        if (response.StatusCode == 409 && KubernetesErrors.ParseStatus(response.Body)?.Reason == "AlreadyExists")
            return;
        EnsureSuccess(response, target);
    }

    public async Task<LeaseObject?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", Leases, @namespace, name);
        var response = await SendAsync(HttpMethod.Get, LeasePath(@namespace, name), target, null, null, RequestSafety.Idempotent, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == 404)
            return null;
        return Deserialize(EnsureSuccess(response, target), KubernetesJsonContext.Default.LeaseObject, target);
    }

    public async Task<LeaseObject?> TryCreateLeaseAsync(string @namespace, LeaseObject lease, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("create", Leases, @namespace, lease.Metadata.Name);
        var response = await SendAsync(HttpMethod.Post, $"/apis/coordination.k8s.io/v1/namespaces/{Segment(@namespace)}/leases", target,
            JsonSerializer.Serialize(lease, KubernetesJsonContext.Default.LeaseObject), "application/json",
            RequestSafety.Idempotent, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 409)
            return null;
        return Deserialize(EnsureSuccess(response, target), KubernetesJsonContext.Default.LeaseObject, target);
    }

    public async Task<LeaseObject?> TryUpdateLeaseAsync(string @namespace, LeaseObject lease, CancellationToken cancellationToken)
    {
        var name = lease.Metadata.Name ?? throw new ArgumentException("lease has no name", nameof(lease));
        var target = new ApiRequestTarget("update", Leases, @namespace, name);
        var response = await SendAsync(HttpMethod.Put, LeasePath(@namespace, name), target,
            JsonSerializer.Serialize(lease, KubernetesJsonContext.Default.LeaseObject), "application/json",
            RequestSafety.Idempotent, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is 409 or 404)
            return null;
        return Deserialize(EnsureSuccess(response, target), KubernetesJsonContext.Default.LeaseObject, target);
    }

    private async Task<string> GetAsync(string path, ApiRequestTarget target, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, path, target, null, null, RequestSafety.Idempotent, cancellationToken).ConfigureAwait(false);
        return EnsureSuccess(response, target);
    }

    private Task<ApiResponse> SendAsync(HttpMethod method, string path, ApiRequestTarget target, string? body, string? contentType, RequestSafety safety, CancellationToken cancellationToken) =>
        connection.SendAsync(method, path, target, body, contentType, safety, cancellationToken);

    private string EnsureSuccess(ApiResponse response, ApiRequestTarget target)
    {
        if (response.IsSuccess)
            return response.Body;
        throw KubernetesErrors.ToException(response.StatusCode, response.Body, target, connection.Configuration.Server, connection.Scrub);
    }

    private static JsonObject ParseObject(string body, ApiRequestTarget target)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject
                ?? throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: the API server answered with something other than an object");
        }
        catch (JsonException e)
        {
            throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: the API server answered with invalid JSON", e);
        }
    }

    private static T Deserialize<T>(string body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, ApiRequestTarget target)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo)
                ?? throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: empty answer");
        }
        catch (JsonException e)
        {
            throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: unexpected answer at {e.Path}", e);
        }
    }

    private static string RestoreSessionPath(string @namespace, string name) =>
        $"/apis/stash.appscode.com/v1beta1/namespaces/{Segment(@namespace)}/restoresessions/{Segment(name)}";

    private static string LeasePath(string @namespace, string name) =>
        $"/apis/coordination.k8s.io/v1/namespaces/{Segment(@namespace)}/leases/{Segment(name)}";

    private static string Segment(string value) => Uri.EscapeDataString(value);
}
