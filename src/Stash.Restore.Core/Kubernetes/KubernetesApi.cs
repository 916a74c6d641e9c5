using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// <see cref="IKubernetesApi"/> over KubernetesClient.Aot. Core objects (Secret, Pod, Event, Lease)
/// go through the library's typed calls and source-generated models (<c>CoreV1</c>,
/// <c>CoordinationV1</c>); CRD objects through its generic object calls
/// (<c>/apis/{group}/{version}/…</c>) as JSON, which the families read with their own
/// source-generated models. Nothing needs reflection. Library failures become the one-line errors
/// of <see cref="KubernetesErrors"/>.
/// </summary>
internal sealed class KubernetesApi(k8s.Kubernetes client, ApiServerConnection configuration, SecretMasker? masker = null) : IKubernetesApi
{
    public ApiServerConnection Configuration => configuration;

    public Task<JsonObject> GetObjectAsync(ApiResource resource, string @namespace, string name, CancellationToken cancellationToken) =>
        CallAsync(new ApiRequestTarget("get", Grouped(resource).Name, @namespace, name), async () =>
        {
            using var response = await client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(
                resource.Group, resource.Version, @namespace, resource.Plural, name, null, cancellationToken).ConfigureAwait(false);
            return response.Body;
        });

    public async Task<IReadOnlyList<JsonObject>> ListObjectsAsync(ApiResource resource, string @namespace, string? labelSelector, CancellationToken cancellationToken, int pageSize = 250)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var target = new ApiRequestTarget("list", Grouped(resource).Name, @namespace, null);
        var items = new List<JsonObject>();
        string? continueToken = null;
        var restarted = false;
        for (var page = 1; ; page++)
        {
            var token = continueToken;
            JsonObject list;
            try
            {
                list = await CallAsync(target, async () =>
                {
                    using var response = await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(
                        resource.Group, resource.Version, @namespace, resource.Plural,
                        continueParameter: token, labelSelector: string.IsNullOrEmpty(labelSelector) ? null : labelSelector, limit: pageSize,
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                    return response.Body;
                }).ConfigureAwait(false);
            }
            catch (RestoreException e) when (token is not null && !restarted && KubernetesApiException.StatusCodeOf(e) == 410)
            {
                // The continue token expired (etcd compacted past it): pages from then would not be one
                // consistent list, so start again from the first page, once.
                restarted = true;
                items.Clear();
                continueToken = null;
                continue;
            }
            if (list["items"] is JsonArray array)
            {
                foreach (var item in array)
                {
                    if (item is JsonObject json)
                        items.Add(json);
                }
            }
            else if (list["items"] is not null)
            {
                throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: the answer's items is not a list");
            }
            continueToken = list["metadata"]?["continue"] is JsonValue value && value.TryGetValue<string>(out var next) && next.Length > 0 ? next : null;
            if (continueToken is null)
                return items;
            // A server that keeps handing out the same token would page forever.
            if (continueToken == token)
                throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: the API server returned the same continue token twice (page {page})");
        }
    }

    public Task<JsonObject> GetStatusAsync(ApiResource resource, string @namespace, string name, CancellationToken cancellationToken) =>
        CallAsync(new ApiRequestTarget("get", Grouped(resource).Name, @namespace, name, "status"), async () =>
        {
            using var response = await client.CustomObjects.GetNamespacedCustomObjectStatusWithHttpMessagesAsync<JsonObject>(
                resource.Group, resource.Version, @namespace, resource.Plural, name, null, cancellationToken).ConfigureAwait(false);
            return response.Body;
        });

    public Task<JsonObject> ReplaceStatusAsync(ApiResource resource, string @namespace, string name, JsonObject value, CancellationToken cancellationToken) =>
        CallAsync(new ApiRequestTarget("update", Grouped(resource).Name, @namespace, name, "status"), async () =>
        {
            using var response = await client.CustomObjects.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<JsonObject>(
                value, resource.Group, resource.Version, @namespace, resource.Plural, name, null, null, null, null, cancellationToken).ConfigureAwait(false);
            return response.Body;
        });

    public Task<JsonObject> JsonPatchStatusAsync(ApiResource resource, string @namespace, string name, JsonArray jsonPatch, CancellationToken cancellationToken) =>
        PatchStatusAsync(resource, @namespace, name, new V1Patch(jsonPatch.ToJsonString(), V1Patch.PatchType.JsonPatch), cancellationToken);

    public Task<JsonObject> MergePatchStatusAsync(ApiResource resource, string @namespace, string name, JsonObject mergePatch, CancellationToken cancellationToken) =>
        mergePatch["metadata"]?["resourceVersion"] is not null
            // The retry handler re-sends merge patches on 409; with a precondition that would overwrite a newer object.
            ? throw new ArgumentException("a merge patch sent through the transport carries no resourceVersion precondition", nameof(mergePatch))
            : PatchStatusAsync(resource, @namespace, name, new V1Patch(mergePatch.ToJsonString(), V1Patch.PatchType.MergePatch), cancellationToken);

    private Task<JsonObject> PatchStatusAsync(ApiResource resource, string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        CallAsync(new ApiRequestTarget("patch", Grouped(resource).Name, @namespace, name, "status"), async () =>
        {
            using var response = await client.CustomObjects.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<JsonObject>(
                patch, resource.Group, resource.Version, @namespace, resource.Plural, name, null, null, null, null, null, cancellationToken).ConfigureAwait(false);
            return response.Body;
        });

    public async Task<IReadOnlyDictionary<string, string>> GetSecretDataAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var secret = await CallAsync(new ApiRequestTarget("get", ApiResource.Secrets.Name, @namespace, name), async () =>
        {
            try
            {
                using var response = await client.CoreV1.ReadNamespacedSecretWithHttpMessagesAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return response.Body;
            }
            catch (Exception e) when (e is JsonException || e.InnerException is JsonException)
            {
                // Neither the message nor the inner exception: JsonException text can quote a secret value.
                // (Some library versions wrap the JsonException in a SerializationException.)
                throw new InvalidInputException(SecretDataKey((e as JsonException ?? (JsonException)e.InnerException!).Path) is { } key
                    ? $"Secret {@namespace}/{name}: data key '{key}' is not valid base64"
                    : $"Secret {@namespace}/{name}: not a valid Secret object");
            }
        }).ConfigureAwait(false) ?? throw new InvalidInputException($"Secret {@namespace}/{name}: empty answer");
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, bytes) in secret.Data ?? new Dictionary<string, byte[]>())
            data[key] = Encoding.UTF8.GetString(bytes ?? []);
        // Registered once, where the Secret is read: credentials masked, identifiers left readable.
        masker?.RegisterSecretData($"Secret {@namespace}/{name}", data);
        return data;
    }

    /// <summary>The data key a JSON path like <c>$.data.KEY</c> or <c>$.data['K.EY']</c> names, else null.</summary>
    private static string? SecretDataKey(string? path)
    {
        if (path is null || !path.StartsWith("$.data", StringComparison.Ordinal) || path.Length <= "$.data".Length)
            return null;
        var rest = path["$.data".Length..];
        if (rest.StartsWith("['", StringComparison.Ordinal) && rest.EndsWith("']", StringComparison.Ordinal))
            return rest[2..^2];
        return rest.StartsWith('.') ? rest[1..] : null;
    }

    public async Task<PodInfo> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", ApiResource.Pods.Name, @namespace, name);
        var pod = await CallAsync(target, async () =>
        {
            using var response = await client.CoreV1.ReadNamespacedPodWithHttpMessagesAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Body;
        }).ConfigureAwait(false) ?? throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: empty answer");
        var containers = (pod.Spec?.Containers ?? [])
            .Select(c => new ContainerInfo(c.Name ?? "", (c.Ports ?? []).Select(p => new ContainerPortInfo(p.Name, p.ContainerPort)).ToList()))
            .ToList();
        return new PodInfo(pod.Metadata?.Name ?? name, pod.Metadata?.NamespaceProperty ?? @namespace, pod.Status?.PodIP, containers);
    }

    public async Task CreateEventAsync(string @namespace, Corev1Event kubernetesEvent, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("create", ApiResource.Events.Name, @namespace, kubernetesEvent.Metadata?.Name);
        try
        {
            await CallAsync(target, async () =>
            {
                using var response = await client.CoreV1.CreateNamespacedEventWithHttpMessagesAsync(kubernetesEvent, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return response.Body;
            }).ConfigureAwait(false);
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 409 && KubernetesApiException.ReasonOf(e) == "AlreadyExists")
        {
            // The event has a fixed name: AlreadyExists means an earlier attempt got through.
        }
    }

    public async Task<V1Lease?> GetLeaseAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("get", ApiResource.Leases.Name, @namespace, name);
        try
        {
            return await CallAsync(target, async () =>
            {
                using var response = await client.CoordinationV1.ReadNamespacedLeaseWithHttpMessagesAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return response.Body;
            }).ConfigureAwait(false) ?? throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: empty answer");
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 404)
        {
            return null;
        }
    }

    public async Task<V1Lease?> TryCreateLeaseAsync(string @namespace, V1Lease lease, CancellationToken cancellationToken)
    {
        var target = new ApiRequestTarget("create", ApiResource.Leases.Name, @namespace, lease.Metadata?.Name);
        try
        {
            return await CallAsync(target, async () =>
            {
                using var response = await client.CoordinationV1.CreateNamespacedLeaseWithHttpMessagesAsync(lease, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return response.Body;
            }).ConfigureAwait(false) ?? throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: empty answer");
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 409)
        {
            return null;
        }
    }

    public async Task<V1Lease?> TryUpdateLeaseAsync(string @namespace, V1Lease lease, CancellationToken cancellationToken)
    {
        var name = lease.Metadata?.Name ?? throw new ArgumentException("lease has no name", nameof(lease));
        var target = new ApiRequestTarget("update", ApiResource.Leases.Name, @namespace, name);
        try
        {
            return await CallAsync(target, async () =>
            {
                using var response = await client.CoordinationV1.ReplaceNamespacedLeaseWithHttpMessagesAsync(lease, name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return response.Body;
            }).ConfigureAwait(false) ?? throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: empty answer");
        }
        catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) is 409 or 404)
        {
            return null;
        }
    }

    /// <summary>
    /// The generic object calls build <c>/apis/{group}/{version}/…</c>: a core resource (empty group)
    /// would be <c>/apis//v1/…</c>, which kube-apiserver does not serve. Core objects have typed calls.
    /// </summary>
    private static ApiResource Grouped(ApiResource resource) => resource.Group.Length > 0
        ? resource
        : throw new ArgumentException($"{resource.Name} is a core resource: read it through its typed call, not as a custom object", nameof(resource));

    /// <summary>Runs one library call and turns whatever went wrong into the executor's one-line errors.</summary>
    internal async Task<T> CallAsync<T>(ApiRequestTarget target, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            // Not kept as the inner exception: its message quotes the whole answer.
            throw KubernetesErrors.ToException((int)e.Response.StatusCode, e.Response.Content, target, configuration.Server, Scrub);
        }
        catch (TimeoutException e)
        {
            throw KubernetesErrors.Unreachable(target, configuration.Server, Scrub(e.Message), null);
        }
        catch (HttpRequestException e)
        {
            throw KubernetesErrors.Unreachable(target, configuration.Server, Scrub(DescribeNetworkError(e)), e);
        }
        catch (IOException e)
        {
            throw KubernetesErrors.Unreachable(target, configuration.Server, Scrub(e.Message), e);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // A connection reset at the wrong moment can surface bare, not wrapped in an HttpRequestException.
            throw KubernetesErrors.Unreachable(target, configuration.Server, Scrub(e.Message), e);
        }
        catch (WebSocketException e)
        {
            throw KubernetesErrors.Unreachable(target, configuration.Server, Scrub(ApiServerNotTrustedException.FoundIn(e)?.Message ?? e.Message), null);
        }
        catch (JsonException e)
        {
            throw new DependencyUnavailableException($"{target.Verb} {target.Describe()}: the API server answered with invalid JSON at {e.Path}");
        }
    }

    /// <summary>Replaces the bearer token and every registered secret, should one ever appear in text, with ***.</summary>
    public string Scrub(string text)
    {
        if (masker is not null)
            text = masker.Apply(text);
        if (configuration.Token is not { } token)
            return text;
        string value;
        try
        {
            value = token.GetToken();
        }
        catch (DependencyUnavailableException)
        {
            return text;
        }
        return value.Length == 0 ? text : text.Replace(value, SecretMasker.Mask, StringComparison.Ordinal);
    }

    private static string DescribeNetworkError(HttpRequestException e)
    {
        // The refusal of the server's certificate says it all, without .NET's "see inner exception".
        if (ApiServerNotTrustedException.FoundIn(e) is { } refused)
            return refused.Message;
        // The innermost message is the one that says "Connection refused" or names the TLS problem.
        var messages = new List<string>();
        for (Exception? current = e; current is not null; current = current.InnerException)
            messages.Add(current.Message);
        return string.Join(": ", messages.Distinct());
    }
}
