using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stash.Restore.TestApiServer.Rbac;

namespace Stash.Restore.TestApiServer;

/// <summary>
/// A Kubernetes API server for tests: HTTPS with a generated CA, bearer tokens (users, service
/// accounts) authorized by RBAC over the Roles and bindings stored in it, storage for the built-in types and the CRDs it loads, optimistic concurrency, /status,
/// merge and JSON patches, structural pruning and validation, discovery for kubectl, fault
/// injection and a request log.
/// </summary>
public sealed class TestApiServer : IAsyncDisposable
{
    private const string AdminUser = "kubernetes-admin";

    private readonly WebApplication _app;
    private readonly Certificates _certificates;
    private readonly ObjectStore _store;
    private readonly ConcurrentDictionary<string, Principal> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _serviceAccountTokens = new(StringComparer.Ordinal);
    private readonly RbacAuthorizer _rbac;
    private readonly ConcurrentDictionary<(string Namespace, string Pod, string Container), string> _podLogs = new();
    private readonly Lock _requestsLock = new();
    private readonly List<RequestRecord> _requests = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private Uri? _baseAddress;

    private TestApiServer(WebApplication app, Certificates certificates, ObjectStore store, string? crdDirectory)
    {
        _app = app;
        _certificates = certificates;
        _store = store;
        CrdDirectory = crdDirectory;
        _rbac = new RbacAuthorizer(store);
        AdminToken = NewToken();
        _tokens[AdminToken] = new Principal(AdminUser, [RbacAuthorizer.MastersGroup, ServiceAccountUsers.Authenticated], []);
    }

    /// <summary><c>https://127.0.0.1:PORT</c>.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("the server is not started");

    /// <summary>The CA that signed the server certificate, PEM.</summary>
    public string CaCertificatePem => _certificates.CaPem;

    /// <summary>The CA that issued the server's certificate, when <see cref="TestApiServerOptions.IssueFromIntermediateCa"/>; else null.</summary>
    public string? IntermediateCaCertificatePem => _certificates.Intermediate is { } intermediate ? intermediate.ExportCertificatePem() + "\n" : null;

    /// <summary>The CA certificate, for <c>HttpClientHandler</c> custom trust.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 CaCertificate => _certificates.Ca;

    /// <summary>A token of user <c>kubernetes-admin</c>, group <c>system:masters</c>: every right, and impersonation.</summary>
    public string AdminToken { get; }

    /// <summary>The CRD directory loaded at start; null when none was found (built-in types only).</summary>
    public string? CrdDirectory { get; }

    public FaultInjector Faults { get; } = new();

    /// <summary>
    /// Scripts pods/exec: return a result to answer without running anything, or null to run the
    /// command locally as a child process (the default for every request when unset).
    /// </summary>
    public Func<ExecRequest, ExecResult?>? ExecHandler { get; set; }

    /// <summary>A snapshot of the requests answered so far (oldest first).</summary>
    public IReadOnlyList<RequestRecord> Requests
    {
        get
        {
            lock (_requestsLock)
                return _requests.ToArray();
        }
    }

    public static async Task<TestApiServer> StartAsync(TestApiServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new TestApiServerOptions();
        var crdDirectory = options.CrdDirectory is { } given ? Path.GetFullPath(given) : FindSharedCrdDirectory();
        if (crdDirectory is not null && !Directory.Exists(crdDirectory))
            throw new DirectoryNotFoundException($"CRD directory '{crdDirectory}' does not exist");
        foreach (var extra in options.ExtraCrdDirectories)
        {
            if (!Directory.Exists(extra))
                throw new DirectoryNotFoundException($"CRD directory '{extra}' does not exist");
        }
        var catalog = ResourceCatalog.Create(crdDirectory, options.ExtraCrdDirectories);
        var certificates = Certificates.Generate(options.IssueFromIntermediateCa);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseKestrelHttpsConfiguration();
        // A thousand pods connecting at once must queue, not be refused or cut off: the default
        // accept backlog (512) overflows into SYN retries of 1 s and more, and the 10 s TLS
        // handshake timeout and minimum data rates drop connections that only waited for CPU.
        // kube-apiserver has none of these limits in the way, so neither does the test server.
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 4096);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromMinutes(2);
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificates.Server;
                    if (certificates.Intermediate is { } intermediate)
                        https.ServerCertificateChain = new X509Certificate2Collection(intermediate);
                    https.HandshakeTimeout = TimeSpan.FromMinutes(2);
                });
            });
        });
        builder.Services.AddRoutingCore();
        // Tests dispose servers often: do not wait long for exec sessions that linger.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        var app = builder.Build();
        var store = new ObjectStore(catalog, TimeProvider.System);
        store.CreateSystemNamespaces();
        store.CreateBootstrapPolicy();
        var server = new TestApiServer(app, certificates, store, crdDirectory);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        server._baseAddress = new Uri($"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        return server;
    }

    /// <summary>
    /// <c>../shared/crds</c> beside the repository: walks up from the binary to the directory
    /// holding <c>StashRestore.slnx</c>. Null when it cannot be found.
    /// </summary>
    public static string? FindSharedCrdDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StashRestore.slnx")))
            {
                var crds = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "crds"));
                return Directory.Exists(crds) ? crds : null;
            }
        }
        return null;
    }

    /// <summary>
    /// Adds a token for <paramref name="user"/> allowed what <paramref name="rules"/> allow, and what RBAC
    /// bindings stored in the server grant the user (or, for <c>system:serviceaccount:ns:name</c>, its groups).
    /// </summary>
    public string AddToken(string user, params AccessRule[] rules)
    {
        var token = NewToken();
        _tokens[token] = new Principal(user, ServiceAccountUsers.GroupsOf(user), rules);
        return token;
    }

    /// <summary>
    /// The token of service account <paramref name="namespace"/>/<paramref name="name"/> (one per account):
    /// user <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>, groups <c>system:serviceaccounts</c>,
    /// <c>system:serviceaccounts:&lt;ns&gt;</c> and <c>system:authenticated</c>, allowed exactly what the RBAC
    /// objects stored in the server grant. The ServiceAccount object is created when missing.
    /// </summary>
    public string ServiceAccountToken(string @namespace, string name)
    {
        var user = ServiceAccountUsers.UserName(@namespace, name);
        return _serviceAccountTokens.GetOrAdd(user, _ =>
        {
            var type = TypeOf("v1", "ServiceAccount");
            if (_store.Get(type, @namespace, name) is null)
                Put(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace } });
            var token = NewToken();
            _tokens[token] = new Principal(user, ServiceAccountUsers.Groups(@namespace), []);
            return token;
        });
    }

    /// <summary>
    /// Another token of the same service account, as each pod gets its own projected token: same user
    /// and groups as <see cref="ServiceAccountToken"/>, a different secret.
    /// </summary>
    public string IssueServiceAccountToken(string @namespace, string name)
    {
        _ = ServiceAccountToken(@namespace, name);
        var token = NewToken();
        _tokens[token] = new Principal(ServiceAccountUsers.UserName(@namespace, name), ServiceAccountUsers.Groups(@namespace), []);
        return token;
    }

    /// <summary>What <c>kubectl logs</c> shows for a container of a pod stored in the server (e.g. an executor's stderr from a run).</summary>
    public void SetPodLog(string @namespace, string pod, string container, string text) => _podLogs[(@namespace, pod, container)] = text;

    /// <summary>The RBAC authorizer's answer for <paramref name="request"/> against the objects stored now (system:masters aside, the same check every request gets).</summary>
    public AccessDecision Authorize(AccessRequest request) => _rbac.Authorize(request);

    /// <summary>
    /// Writes a kubeconfig (mode 0600) usable by kubectl and our client; returns the path. With
    /// <paramref name="serviceAccount"/> (<c>namespace:name</c>) its user is that service account's token
    /// (<see cref="ServiceAccountToken"/>) and the context's namespace is the account's, as in its pod;
    /// otherwise <paramref name="token"/>, by default the admin's.
    /// </summary>
    public string WriteKubeconfig(string path, string? token = null, string? serviceAccount = null)
    {
        var @namespace = "default";
        if (serviceAccount is not null)
        {
            var (saNamespace, saName) = ServiceAccountUsers.Parse(serviceAccount);
            token ??= ServiceAccountToken(saNamespace, saName);
            @namespace = saNamespace;
        }
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(CaCertificatePem));
        var text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test-apiserver
              cluster:
                server: {BaseAddress.ToString().TrimEnd('/')}
                certificate-authority-data: {ca}
            users:
            - name: test-user
              user:
                token: {token ?? AdminToken}
            contexts:
            - name: test
              context:
                cluster: test-apiserver
                user: test-user
                namespace: {@namespace}
            current-context: test
            preferences: {"{}"}

            """;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, text);
        return path;
    }

    public void ClearRequests()
    {
        lock (_requestsLock)
            _requests.Clear();
    }

    /// <summary>Create-or-replace, server side (no auth, no faults, status kept, namespace created).
    /// Returns the stored object: pruned, defaulted, with resourceVersion. Throws ArgumentException if the
    /// schema rejects it.</summary>
    public JsonObject Put(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        try
        {
            return _store.Upsert(obj).Object;
        }
        catch (ApiException e)
        {
            throw new ArgumentException(e.Message, nameof(obj), e);
        }
    }

    /// <summary><see cref="Put(JsonObject)"/> of a YAML or JSON object.</summary>
    public JsonObject Put(string yamlOrJson) => Put(Yaml.ParseSingle(yamlOrJson));

    /// <summary><see cref="Put(JsonObject)"/> of every object in a multi-document YAML (or one JSON object), in order.</summary>
    public IReadOnlyList<JsonObject> PutAll(string yamlOrJson) => Yaml.ParseDocuments(yamlOrJson).Select(Put).ToList();

    public JsonObject? Get(string apiVersion, string kind, string? @namespace, string name)
    {
        var type = TypeOf(apiVersion, kind);
        return _store.Get(type, type.Namespaced ? @namespace ?? "default" : null, name);
    }

    public IReadOnlyList<JsonObject> List(string apiVersion, string kind, string? @namespace)
    {
        var type = TypeOf(apiVersion, kind);
        return _store.List(type, type.Namespaced ? @namespace : null);
    }

    /// <summary>Deletes server side (ignores finalizers); returns whether it existed.</summary>
    public bool Delete(string apiVersion, string kind, string? @namespace, string name)
    {
        var type = TypeOf(apiVersion, kind);
        try
        {
            var ns = type.Namespaced ? @namespace ?? "default" : null;
            if (_store.Get(type, ns, name) is { } existing && existing["metadata"] is JsonObject meta)
            {
                meta.Remove("finalizers");
                _store.Upsert(existing);
            }
            _store.Delete(type, ns, name, null);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        _stopping.Dispose();
        await _app.DisposeAsync();
        _writes.Dispose();
        _certificates.Dispose();
    }

    private ResourceType TypeOf(string apiVersion, string kind) =>
        _store.Catalog.FindByKind(apiVersion, kind)
        ?? throw new ArgumentException($"the test API server does not serve {kind} in {apiVersion}");

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private sealed record Principal(string User, IReadOnlyList<string> Groups, AccessRule[] Rules);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        string? body = null;
        string? user = null;
        var code = 0;
        try
        {
            byte[]? bytes = null;
            if (!context.WebSockets.IsWebSocketRequest)
                bytes = await ReadBodyAsync(request, context.RequestAborted);
            var protobuf = KubernetesProtobuf.Is(request.ContentType);
            if (bytes is not null && !protobuf)
                body = Encoding.UTF8.GetString(bytes);
            var path = request.Path.Value ?? "/";
            user = Authenticate(request, path, out var principal);
            // kubectl sends typed built-ins as protobuf: decoded to the JSON they stand for, once authenticated.
            if (bytes is not null && protobuf)
                body = KubernetesProtobuf.Decode(bytes).ToJsonString(JsonText.Compact);
            var watch = request.Query["watch"] is var w && (w == "true" || w == "1");
            var info = RequestInfo.Parse(request.Method, path, watch);

            var fault = Faults.Decide(request.Method, pathAndQuery);
            if (fault.Latency > TimeSpan.Zero)
                await Task.Delay(fault.Latency, context.RequestAborted);
            if (fault.Drop)
            {
                context.Abort();
                return;
            }
            if (fault is { StatusCode: { } status, ErrorBody: { } errorBody })
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(errorBody, context.RequestAborted);
                code = status;
                return;
            }
            if (fault.StatusCode is { } injected)
            {
                var injectedType = info.IsResourceRequest ? _store.Catalog.Find(info.Group, info.Version, info.Resource) : null;
                throw ApiErrors.Injected(injected, fault.RetryAfterSeconds, injectedType, info.Name);
            }

            if (!info.IsResourceRequest)
                code = await ServeNonResourceAsync(context, info, user);
            else
                code = await ServeResourceAsync(context, info, principal, body);
        }
        catch (ApiException e)
        {
            code = await WriteStatusAsync(context, e);
        }
        catch (Exception e) when (e is JsonException or FormatException or YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            code = await WriteStatusAsync(context, ApiErrors.BadRequest($"the body of the request could not be decoded: {e.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            code = 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the test server must show up as a readable 500, not as a dropped connection.
            code = await WriteStatusAsync(context, ApiErrors.Internal($"test API server failure: {e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            lock (_requestsLock)
                _requests.Add(new RequestRecord(request.Method, pathAndQuery, request.ContentType, body, code, user));
        }
    }

    /// <summary>The body's bytes; null when empty.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.Length == 0 ? null : buffer.ToArray();
    }

    private string? Authenticate(HttpRequest request, string path, out Principal? principal)
    {
        principal = null;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) &&
            _tokens.TryGetValue(header["Bearer ".Length..].Trim(), out var found))
        {
            principal = Impersonated(request, found);
            return principal.User;
        }
        // Like system:public-info-viewer: these answer anonymous requests.
        if (path is "/version" or "/healthz" or "/livez" or "/readyz")
            return null;
        throw ApiErrors.Unauthorized();
    }

    /// <summary>
    /// kubectl's <c>--as</c>/<c>--as-group</c> (Impersonate-User/Impersonate-Group headers): allowed to
    /// <c>system:masters</c> only. An impersonated service account gets its groups, as in the real server.
    /// </summary>
    private static Principal Impersonated(HttpRequest request, Principal caller)
    {
        var user = request.Headers["Impersonate-User"].ToString();
        if (user.Length == 0)
            return caller;
        if (!caller.Groups.Contains(RbacAuthorizer.MastersGroup))
        {
            throw new ApiException(ApiErrors.Status(403, "Forbidden",
                $"users \"{user}\" is forbidden: User \"{caller.User}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
                ApiErrors.Details(user, "", "users")));
        }
        var groups = request.Headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!);
        return new Principal(user, ServiceAccountUsers.GroupsOf(user, groups), []);
    }

    /// <summary>The request's authorization: the token's own rules (<see cref="AddToken"/>), then RBAC.</summary>
    private AccessDecision Authorize(Principal principal, RequestInfo info, string? fieldSelector)
    {
        var resource = info.Subresource is null ? info.Resource : $"{info.Resource}/{info.Subresource}";
        if (principal.Rules.Any(r =>
            (r.Verb == "*" || r.Verb == info.Verb) &&
            (r.Group == "*" || r.Group == info.Group) &&
            (r.Resource == "*" || r.Resource == resource || (info.Subresource is not null && r.Resource == $"{info.Resource}/*")) &&
            (r.Namespace is null || r.Namespace == "*" || r.Namespace == info.Namespace)))
            return new AccessDecision(true);
        // A list or watch of one object by fieldSelector=metadata.name=x is authorized for that name, as upstream.
        var name = info.Name;
        if (name is null && info.Verb is "list" or "watch" && Selectors.ExactName(fieldSelector) is { } selected)
            name = selected;
        return _rbac.Authorize(new AccessRequest(principal.User, principal.Groups, info.Verb, info.Group, info.Resource, info.Subresource,
            info.Namespace, name, info.IsResourceRequest, info.Path));
    }

    private async Task<int> ServeNonResourceAsync(HttpContext context, RequestInfo info, string? user)
    {
        if (info.Verb != "get")
            throw ApiErrors.ForbiddenPath(user ?? "system:anonymous", info.Verb, info.Path);
        var parts = info.Path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["healthz"] or ["livez"] or ["readyz"])
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok", context.RequestAborted);
            return 200;
        }
        var catalog = _store.Catalog;
        if (parts is ["openapi", "v2"])
        {
            // kubectl asks for protobuf only (client-side validation, e.g. of a List's items).
            context.Response.StatusCode = 200;
            context.Response.ContentType = OpenApiV2.ProtobufMediaType;
            await context.Response.Body.WriteAsync(OpenApiV2.Document(catalog), context.RequestAborted);
            return 200;
        }
        JsonObject document = parts switch
        {
            ["version"] => Discovery.Version(),
            ["api"] => Discovery.ApiVersions($"127.0.0.1:{BaseAddress.Port}"),
            ["api", "v1"] => Discovery.ResourceList(catalog, "", "v1"),
            ["apis"] => Discovery.GroupList(catalog),
            ["apis", var g] when Discovery.Groups(catalog).Contains(g) => Discovery.Group(catalog, g),
            ["apis", var g, var v] when catalog.Types.Any(t => t.Group == g && t.Version == v) => Discovery.ResourceList(catalog, g, v),
            ["openapi", "v3"] => OpenApi.Root(catalog),
            ["openapi", "v3", "api", var v] => OpenApi.GroupVersion(catalog, "", v) ?? throw ApiErrors.PathNotFound(),
            ["openapi", "v3", "apis", var g, var v] => OpenApi.GroupVersion(catalog, g, v) ?? throw ApiErrors.PathNotFound(),
            _ => throw ApiErrors.PathNotFound(),
        };
        return await WriteJsonAsync(context, 200, document);
    }

    private async Task<int> ServeResourceAsync(HttpContext context, RequestInfo info, Principal? principal, string? body)
    {
        if (principal is null)
            throw ApiErrors.Unauthorized();
        var type = _store.Catalog.Find(info.Group, info.Version, info.Resource) ?? throw ApiErrors.PathNotFound();
        var isNamespaceObject = type is { Group: "", Plural: "namespaces" };
        if (type.Namespaced && info.Namespace is null && info.Verb is not ("list" or "watch"))
            throw ApiErrors.PathNotFound();
        if (!type.Namespaced && info.Namespace is not null && !isNamespaceObject)
            throw ApiErrors.PathNotFound();
        var ns = type.Namespaced ? info.Namespace : null;
        var name = isNamespaceObject ? info.Name ?? info.Namespace : info.Name;
        if (isNamespaceObject)
            info = info with { Name = name, Namespace = name, Verb = info.Verb == "list" && name is not null ? "get" : info.Verb };
        var subresource = info.Subresource;
        var isStatus = subresource == "status";
        if (subresource is not null && !(isStatus && type.HasStatus) && !(subresource is "exec" or "log" && type is { Group: "", Plural: "pods" }))
            throw ApiErrors.PathNotFound();
        if (Authorize(principal, info, context.Request.Query["fieldSelector"].ToString()) is { Allowed: false } denied)
            throw ApiErrors.Forbidden(info, principal.User, denied.Reason);
        if (type.IsReview)
            return info.Verb == "create" ? await ReviewAsync(context, type, principal, body) : throw ApiErrors.MethodNotAllowed();

        if (subresource == "log")
            return info.Verb == "get" ? await WritePodLogAsync(context, type, ns!, name!) : throw ApiErrors.MethodNotAllowed();
        if (subresource == "exec")
            return await PodExec.ServeAsync(context, _store, type, ns!, name!, ExecHandler);

        switch (info.Verb)
        {
            case "get":
                return await WriteObjectAsync(context, 200, type, _store.GetServed(type, ns, name!) ?? throw ApiErrors.NotFound(type, name!), []);
            case "list":
                return await WriteListAsync(context, type, ns);
            case "watch" when subresource is null:
                return await WatchAsync(context, type, ns, name);
            case "create" when subresource is null:
                {
                    var parsed = ParseBody(context, body);
                    var validation = FieldValidationOf(context);
                    var result = await WriteAsync(() => _store.Create(type, ns, parsed, validation), context.RequestAborted);
                    return await WriteObjectAsync(context, 201, type, result.Served, result.Warnings);
                }
            case "update":
                {
                    var parsed = ParseBody(context, body);
                    var validation = FieldValidationOf(context);
                    var result = await WriteAsync(() => _store.Update(type, ns, name!, parsed, isStatus, validation), context.RequestAborted);
                    return await WriteObjectAsync(context, 200, type, result.Served, result.Warnings);
                }
            case "patch":
                {
                    var (apply, touched) = PatchFunction(type, context.Request.ContentType, body);
                    var validation = FieldValidationOf(context);
                    var result = await WriteAsync(() => _store.Patch(type, ns, name!, apply, isStatus, validation, touched), context.RequestAborted);
                    return await WriteObjectAsync(context, 200, type, result.Served, result.Warnings);
                }
            case "delete" when subresource is null:
                {
                    var options = body is null ? null : JsonNode.Parse(body) as JsonObject;
                    var deleted = await WriteAsync(() => _store.Delete(type, ns, name!, options), context.RequestAborted);
                    return await WriteObjectAsync(context, 200, type, deleted, []);
                }
            default:
                throw ApiErrors.MethodNotAllowed();
        }
    }

    /// <summary>
    /// A SelfSubjectAccessReview (<c>kubectl auth can-i VERB RESOURCE</c>) or SelfSubjectRulesReview
    /// (<c>kubectl auth can-i --list</c>) of the caller: answered from the same checks as its requests, never stored.
    /// Every authenticated user may ask, as the default <c>system:basic-user</c> ClusterRole allows.
    /// </summary>
    private async Task<int> ReviewAsync(HttpContext context, ResourceType type, Principal principal, string? body)
    {
        var review = ParseBody(context, body);
        var spec = review["spec"] as JsonObject ?? new JsonObject();
        JsonObject status;
        if (type.Kind == "SelfSubjectRulesReview")
        {
            var @namespace = (string?)spec["namespace"];
            var rules = principal.Groups.Contains(RbacAuthorizer.MastersGroup)
                ? [new PolicyRule(["*"], ["*"], ["*"], [], []), new PolicyRule(["*"], [], [], [], ["*"])]
                : _rbac.RulesFor(principal.User, principal.Groups, @namespace).ToList();
            status = new JsonObject
            {
                ["resourceRules"] = new JsonArray([.. rules.Where(r => r.NonResourceUrls.Count == 0).Select(r => (JsonNode)r.ToJson())]),
                ["nonResourceRules"] = new JsonArray([.. rules.Where(r => r.NonResourceUrls.Count > 0)
                    .Select(r => (JsonNode)new JsonObject { ["verbs"] = r.ToJson()["verbs"]!.DeepClone(), ["nonResourceURLs"] = r.ToJson()["nonResourceURLs"]!.DeepClone() })]),
                ["incomplete"] = false,
            };
        }
        else
        {
            RequestInfo asked;
            if (spec["resourceAttributes"] is JsonObject attributes)
            {
                asked = new RequestInfo(true, "", (string?)attributes["verb"] ?? "", (string?)attributes["group"] ?? "", (string?)attributes["version"] ?? "",
                    (string?)attributes["resource"] ?? "", NullIfEmpty((string?)attributes["subresource"]), NullIfEmpty((string?)attributes["namespace"]),
                    NullIfEmpty((string?)attributes["name"]));
            }
            else if (spec["nonResourceAttributes"] is JsonObject nonResource)
            {
                asked = new RequestInfo(false, (string?)nonResource["path"] ?? "", (string?)nonResource["verb"] ?? "", "", "", "", null, null, null);
            }
            else
            {
                throw ApiErrors.Invalid(type, "", [FieldError.Required("spec.resourceAttributes")]);
            }
            var decision = Authorize(principal, asked, fieldSelector: null);
            status = new JsonObject { ["allowed"] = decision.Allowed };
            if (decision.Reason is { } reason)
                status["reason"] = reason;
        }
        review["status"] = status;
        review["metadata"] ??= new JsonObject();
        review["apiVersion"] = type.GroupVersion;
        review["kind"] = type.Kind;
        return await WriteJsonAsync(context, 201, review);

        static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>
    /// <c>kubectl logs POD [-c CONTAINER]</c>: the text set with <see cref="SetPodLog"/>; a container of the pod
    /// with no log set answers empty, one the pod does not have 400 as the kubelet's proxy would.
    /// </summary>
    private async Task<int> WritePodLogAsync(HttpContext context, ResourceType type, string ns, string name)
    {
        var pod = _store.Get(type, ns, name) ?? throw ApiErrors.NotFound(type, name);
        var names = new[] { "initContainers", "containers" }
            .SelectMany(k => pod["spec"]?[k] as JsonArray ?? [])
            .Select(c => (string?)c?["name"])
            .OfType<string>()
            .ToList();
        var container = context.Request.Query["container"].ToString();
        if (container.Length == 0)
        {
            var regular = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => (string?)c?["name"]).OfType<string>().ToList();
            if (regular.Count != 1)
                throw ApiErrors.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', regular)}]");
            container = regular[0];
        }
        if (!names.Contains(container))
            throw ApiErrors.BadRequest($"container {container} is not valid for pod {name}");
        var text = _podLogs.TryGetValue((ns, name, container), out var log) ? log : "";
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(text, context.RequestAborted);
        return 200;
    }

    /// <summary>
    /// Runs one store write with no other API write in progress. Writers queue here without a
    /// thread each: a thousand requests blocking pool threads on the store's lock starve the thread
    /// pool, and then TLS handshakes and every other request wait for threads instead of CPU.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<T> write, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            return write();
        }
        finally
        {
            _writes.Release();
        }
    }

    private static FieldValidation FieldValidationOf(HttpContext context) =>
        context.Request.Query["fieldValidation"].ToString() switch
        {
            "Strict" => Stash.Restore.TestApiServer.FieldValidation.Strict,
            "Ignore" => Stash.Restore.TestApiServer.FieldValidation.Ignore,
            _ => Stash.Restore.TestApiServer.FieldValidation.Warn,
        };

    private static JsonObject ParseBody(HttpContext context, string? body)
    {
        if (body is null)
            throw ApiErrors.BadRequest("the body of the request was empty");
        var contentType = context.Request.ContentType ?? "application/json";
        // A protobuf body arrives here already decoded to JSON (ReadBodyAsync).
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || KubernetesProtobuf.Is(contentType))
            return JsonNode.Parse(body) as JsonObject ?? throw ApiErrors.BadRequest("the body of the request was not a JSON object");
        if (contentType.StartsWith("application/yaml", StringComparison.OrdinalIgnoreCase))
            return Yaml.ParseSingle(body);
        throw ApiErrors.UnsupportedMediaType();
    }

    /// <summary>The patch as a function of the current object, and for a JSON merge patch what it can change.</summary>
    private static (Func<JsonObject, JsonNode?> Apply, JsonObject? Touched) PatchFunction(ResourceType type, string? contentType, string? body)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (body is null)
            throw ApiErrors.BadRequest("the body of the request was empty");
        switch (mediaType)
        {
            case "application/merge-patch+json":
            case "application/strategic-merge-patch+json" when !type.IsCustom:
                {
                    // Built-in types: strategic merge is approximated by a JSON merge patch (lists are replaced).
                    var patch = JsonNode.Parse(body);
                    return (current => Patches.MergePatch(current, patch), patch as JsonObject);
                }
            case "application/json-patch+json":
                {
                    var operations = JsonNode.Parse(body) as JsonArray
                        ?? throw ApiErrors.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
                    return (current =>
                    {
                        try
                        {
                            return Patches.JsonPatch(current, operations);
                        }
                        catch (JsonPatchException e)
                        {
                            throw ApiErrors.PatchRejected(e.Message);
                        }
                    }, null);
                }
            default:
                throw ApiErrors.UnsupportedMediaType();
        }
    }

    private async Task<int> WriteListAsync(HttpContext context, ResourceType type, string? ns)
    {
        var (items, listVersion) = _store.Snapshot(type, ns);
        var query = context.Request.Query;
        if (query["labelSelector"].ToString() is { Length: > 0 } labelSelector)
            items = items.Where(Selectors.Labels(labelSelector)).ToList();
        if (query["fieldSelector"].ToString() is { Length: > 0 } fieldSelector)
            items = items.Where(Selectors.Fields(fieldSelector)).ToList();
        var page = Paging.Apply(items, query["limit"].ToString(), query["continue"].ToString());
        items = page.Items;
        if (Tables.Wanted(context.Request))
            return await WriteJsonAsync(context, 200, Tables.Build(type, items, _store.CurrentResourceVersion));
        var array = new JsonArray();
        foreach (var item in items)
        {
            if (!type.IsCustom)
            {
                // Built-in lists carry kind/apiVersion on the list only, like the real server.
                item.Remove("kind");
                item.Remove("apiVersion");
            }
            array.Add(item);
        }
        var listMeta = new JsonObject { ["resourceVersion"] = listVersion.ToString(CultureInfo.InvariantCulture) };
        if (page.Continue is not null)
        {
            listMeta["continue"] = page.Continue;
            listMeta["remainingItemCount"] = page.Remaining;
        }
        var list = new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.GroupVersion,
            ["metadata"] = listMeta,
            ["items"] = array,
        };
        return await WriteJsonAsync(context, 200, list);
    }

    /// <summary>
    /// A watch: newline-delimited <c>{"type","object"}</c> events. Without a resourceVersion (or "0")
    /// it starts with ADDED for every current object; with one, it replays what happened after it.
    /// Ends at <c>timeoutSeconds</c>, when the client goes, or when the server stops.
    /// </summary>
    private async Task<int> WatchAsync(HttpContext context, ResourceType type, string? ns, string? name)
    {
        var query = context.Request.Query;
        var filters = new List<Func<JsonObject, bool>>();
        if (!string.IsNullOrEmpty(ns))
            filters.Add(o => (string?)o["metadata"]?["namespace"] == ns);
        if (name is not null)
            filters.Add(o => (string?)o["metadata"]?["name"] == name);
        if (query["labelSelector"].ToString() is { Length: > 0 } labelSelector)
            filters.Add(Selectors.Labels(labelSelector));
        if (query["fieldSelector"].ToString() is { Length: > 0 } fieldSelector)
            filters.Add(Selectors.Fields(fieldSelector));
        bool Matches(JsonObject o) => filters.All(f => f(o));
        var asTable = Tables.Wanted(context.Request);

        var requested = query["resourceVersion"].ToString();
        long after;
        var initial = new List<(string Type, JsonObject Object)>();
        if (requested is "" or "0")
        {
            var (items, rv) = _store.Snapshot(type, ns);
            initial.AddRange(items.Select(i => ("ADDED", i)));
            after = rv;
        }
        else if (!long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw ApiErrors.BadRequest($"invalid resource version: {requested}");
        }
        _ = _store.EventsAfter(type, after); // 410 before the stream starts, like the real server

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        if (int.TryParse(query["timeoutSeconds"], out var timeoutSeconds) && timeoutSeconds > 0)
            stop.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.StartAsync(stop.Token);
            await WriteEventsAsync(initial);
            while (!stop.IsCancellationRequested)
            {
                var (events, through, changed) = _store.EventsAfter(type, after);
                await WriteEventsAsync(events);
                after = through;
                await changed.WaitAsync(stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // timeout, client gone or server stopping: the watch simply ends
        }
        catch (ApiException e) when (e.Code == 410)
        {
            await WriteEventsAsync([("ERROR", e.Status)]);
        }
        return 200;

        async Task WriteEventsAsync(IEnumerable<(string Type, JsonObject Object)> events)
        {
            foreach (var (eventType, obj) in events)
            {
                if (eventType != "ERROR" && !Matches(obj))
                    continue;
                var payload = eventType != "ERROR" && asTable
                    ? Tables.Build(type, [obj], (string?)obj["metadata"]?["resourceVersion"] ?? "")
                    : obj;
                var line = new JsonObject { ["type"] = eventType, ["object"] = payload }.ToJsonString(JsonText.Compact) + "\n";
                await context.Response.WriteAsync(line, stop.Token);
                await context.Response.Body.FlushAsync(stop.Token);
            }
        }
    }

    private static async Task<int> WriteObjectAsync(HttpContext context, int code, ResourceType type, ServedObject served, IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings)
            context.Response.Headers.Append("Warning", WarningHeader(warning));
        if (Tables.Wanted(context.Request))
        {
            var obj = served.ToNode();
            return await WriteJsonAsync(context, code, Tables.Build(type, [obj], (string?)obj["metadata"]?["resourceVersion"] ?? ""));
        }
        return await WriteBytesAsync(context, code, served.Json);
    }

    /// <summary>RFC 7234 warning, 299 like the real server; header values must be ASCII.</summary>
    private static string WarningHeader(string text)
    {
        var ascii = new string(text.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        return $"299 - \"{ascii.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
    }

    private static Task<int> WriteJsonAsync(HttpContext context, int code, JsonObject document) =>
        WriteBytesAsync(context, code, JsonText.ToUtf8(document));

    private static async Task<int> WriteBytesAsync(HttpContext context, int code, ReadOnlyMemory<byte> json)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
        return code;
    }

    private static async Task<int> WriteStatusAsync(HttpContext context, ApiException e)
    {
        if (context.Response.HasStarted)
            return context.Response.StatusCode;
        foreach (var (key, value) in e.Headers)
            context.Response.Headers[key] = value;
        return await WriteJsonAsync(context, e.Code, e.Status);
    }
}
