using System.Text.Json.Nodes;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Support;
using Stash.Restore.TestApiServer;

namespace Stash.Restore.IntegrationTests.Kubernetes;

/// <summary>
/// The test API server plus clients built the way the executor builds them: from a kubeconfig
/// file the server wrote, through <see cref="KubernetesConfigLoader"/>, over real HTTPS.
/// </summary>
public sealed class KubeTestCluster : IAsyncLifetime
{
    public const string Namespace = "demo";

    /// <summary>Short delays so that retries and timeouts finish quickly in tests.</summary>
    internal static readonly KubernetesRetryOptions FastRetries = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(20),
        MaxRetries = 8,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        MaxRetryAfter = TimeSpan.FromSeconds(2),
        MaxWriteAttempts = 40,
        WriteTimeout = TimeSpan.FromSeconds(60),
    };

    private readonly List<IDisposable> _disposables = [];

    public TestApiServer.TestApiServer Server { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("kubeclient-it-").FullName;

    internal LogCapture Log { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await TestApiServer.TestApiServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
            disposable.Dispose();
        await Server.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>A kubeconfig for <paramref name="token"/> (admin by default), loaded as the executor would.</summary>
    internal ApiServerConnection LoadConfiguration(string? token = null)
    {
        var path = Server.WriteKubeconfig(Path.Combine(Directory, $"kubeconfig-{Guid.NewGuid():N}"), token);
        return KubernetesConfigLoader.Load(new KubernetesConfigRequest(new Dictionary<string, string>(), KubeconfigPath: path), TimeProvider.System, Log.Logger);
    }

    internal KubernetesApi CreateApi(string? token = null, KubernetesRetryOptions? options = null, SecretMasker? masker = null) =>
        CreateApi(LoadConfiguration(token), options, masker);

    internal KubernetesApi CreateApi(ApiServerConnection configuration, KubernetesRetryOptions? options = null, SecretMasker? masker = null) =>
        CreateClient(configuration, options, masker).Transport;

    /// <summary>A KubernetesClient.Aot-backed client, disposed with the fixture.</summary>
    internal KubernetesClient CreateClient(ApiServerConnection? configuration = null, KubernetesRetryOptions? options = null, SecretMasker? masker = null)
    {
        var client = KubernetesClient.Create(configuration ?? LoadConfiguration(), options ?? FastRetries, masker, TimeProvider.System, Log.Logger);
        lock (_disposables)
            _disposables.Add(client);
        return client;
    }

    public JsonObject SeedRestoreSession(string name, string? status = null, bool legacyRules = false)
    {
        var rules = legacyRules
            ? """
              rules:
              - paths: ["/data"]
            """
            : "";
        var targetRules = legacyRules ? "" : """
                rules:
                - paths: ["/data"]
            """;
        var yaml = $"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata:
              name: {name}
              namespace: {Namespace}
            spec:
              repository:
                name: gcs-repo
            {rules}
              target:
                ref:
                  apiVersion: apps/v1
                  kind: Deployment
                  name: app
            {targetRules}
            """;
        var stored = Server.Put(yaml);
        if (status is not null)
        {
            stored["status"] = JsonNode.Parse(status);
            stored = Server.Put(stored);
        }
        return stored;
    }

    public JsonObject StoredSession(string name) =>
        Server.Get("stash.appscode.com/v1beta1", "RestoreSession", Namespace, name)
        ?? throw new InvalidOperationException($"RestoreSession {name} is gone");

    /// <summary>The server's kubeconfig with the user's <c>token:</c> line replaced by <paramref name="userLines"/>.</summary>
    public string KubeconfigWithUser(string userLines)
    {
        var path = Server.WriteKubeconfig(Path.Combine(Directory, $"kubeconfig-{Guid.NewGuid():N}"));
        var text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), "^    token: .*$", userLines.TrimEnd(), System.Text.RegularExpressions.RegexOptions.Multiline);
        File.WriteAllText(path, text);
        return path;
    }
}

/// <summary>Test classes that must not run at the same time as each other (CPU-heavy or timing-sensitive).</summary>
[CollectionDefinition(Name)]
public sealed class KubernetesLoadCollection
{
    public const string Name = "Kubernetes load";
}
