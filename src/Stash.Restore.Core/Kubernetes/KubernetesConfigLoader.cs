using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Serilog;
using Stash.Restore.Core.Input;
using YamlDotNet.Core;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>The flags and environment that decide how to reach the cluster.</summary>
/// <param name="Environment">The executor's environment (never read from the process directly).</param>
/// <param name="KubeconfigPath">--kubeconfig, or null.</param>
/// <param name="Master">--master: overrides the server of whatever configuration is used.</param>
/// <param name="Context">A kubeconfig context to use instead of current-context.</param>
/// <param name="ServiceAccountDirectory">Where the service account is mounted (tests point elsewhere).</param>
internal sealed record KubernetesConfigRequest(
    IReadOnlyDictionary<string, string> Environment,
    string? KubeconfigPath = null,
    string? Master = null,
    string? Context = null,
    string ServiceAccountDirectory = KubernetesConfigLoader.DefaultServiceAccountDirectory);

/// <summary>
/// Reads cluster access the way client-go's <c>BuildConfigFromFlags</c> does for Stash:
/// an explicit --kubeconfig wins; else the in-cluster service account; else the first
/// existing file of <c>KUBECONFIG</c>, else <c>~/.kube/config</c>; --master overrides the server.
/// </summary>
internal static class KubernetesConfigLoader
{
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static KubernetesClientConfiguration Load(KubernetesConfigRequest request, TimeProvider timeProvider, ILogger logger)
    {
        var configuration = LoadIgnoringMaster(request, timeProvider, logger);
        if (string.IsNullOrWhiteSpace(request.Master))
            return configuration;
        return configuration with { Server = ParseServer(request.Master, "--master") };
    }

    private static KubernetesClientConfiguration LoadIgnoringMaster(KubernetesConfigRequest request, TimeProvider timeProvider, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(request.KubeconfigPath))
        {
            if (!File.Exists(request.KubeconfigPath))
                throw new DependencyUnavailableException($"kubeconfig '{request.KubeconfigPath}' does not exist");
            return FromKubeconfig(request.KubeconfigPath, request.Context, timeProvider, logger);
        }

        if (IsInCluster(request))
            return InCluster(request.Environment, request.ServiceAccountDirectory, timeProvider);

        var kubeconfig = FindKubeconfig(request.Environment);
        if (kubeconfig is not null)
            return FromKubeconfig(kubeconfig, request.Context, timeProvider, logger);

        if (!string.IsNullOrWhiteSpace(request.Master))
        {
            logger.Warning("No kubeconfig and not in a cluster: talking to {Server} without credentials", request.Master);
            return new KubernetesClientConfiguration { Server = ParseServer(request.Master, "--master"), Source = "--master without credentials" };
        }

        throw new DependencyUnavailableException(
            "no cluster configuration: not running in a pod (KUBERNETES_SERVICE_HOST unset or no service account token in "
            + $"'{request.ServiceAccountDirectory}') and no kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config); "
            + "use --restoresession-file and friends to run offline");
    }

    private static bool IsInCluster(KubernetesConfigRequest request) =>
        !string.IsNullOrEmpty(Get(request.Environment, "KUBERNETES_SERVICE_HOST"))
        && !string.IsNullOrEmpty(Get(request.Environment, "KUBERNETES_SERVICE_PORT"))
        && File.Exists(Path.Combine(request.ServiceAccountDirectory, "token"));

    /// <summary>The in-cluster service account: token (re-read on rotation), ca.crt, namespace.</summary>
    public static KubernetesClientConfiguration InCluster(IReadOnlyDictionary<string, string> environment, string serviceAccountDirectory, TimeProvider timeProvider)
    {
        var host = Get(environment, "KUBERNETES_SERVICE_HOST");
        var port = Get(environment, "KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
            throw new DependencyUnavailableException("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set");
        // An IPv6 service address must be bracketed in a URL.
        var authority = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
        var server = ParseServer($"https://{authority}", "KUBERNETES_SERVICE_HOST/PORT");

        var tokenPath = Path.Combine(serviceAccountDirectory, "token");
        var token = BearerTokenSource.FromFile(tokenPath, timeProvider);
        _ = token.GetToken(); // fail now, with the path, rather than on the first request

        var caPath = Path.Combine(serviceAccountDirectory, "ca.crt");
        var authorities = File.Exists(caPath) ? LoadPemCertificates(ReadFile(caPath, "service account CA"), $"'{caPath}'") : null;

        var namespacePath = Path.Combine(serviceAccountDirectory, "namespace");
        var ns = File.Exists(namespacePath) ? ReadFile(namespacePath, "service account namespace").Trim() : null;

        return new KubernetesClientConfiguration
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(ns) ? null : ns,
            CertificateAuthorities = authorities,
            Token = token,
            Source = $"in-cluster service account ({serviceAccountDirectory})",
        };
    }

    /// <summary>The first existing file of KUBECONFIG (':'-separated), else ~/.kube/config, else null.</summary>
    public static string? FindKubeconfig(IReadOnlyDictionary<string, string> environment)
    {
        var list = Get(environment, "KUBECONFIG");
        if (!string.IsNullOrEmpty(list))
        {
            foreach (var candidate in list.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        var home = Get(environment, "HOME");
        if (string.IsNullOrEmpty(home))
            return null;
        var defaultPath = Path.Combine(home, ".kube", "config");
        return File.Exists(defaultPath) ? defaultPath : null;
    }

    /// <summary>Reads a kubeconfig: the current (or named) context's cluster and user.</summary>
    public static KubernetesClientConfiguration FromKubeconfig(string path, string? contextName, TimeProvider timeProvider, ILogger logger)
    {
        var root = ParseKubeconfig(path);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";

        contextName = string.IsNullOrEmpty(contextName) ? root["current-context"]?.GetValue<string>() : contextName;
        if (string.IsNullOrEmpty(contextName))
            throw new InvalidInputException($"kubeconfig '{path}': no current-context set and no context named");
        var context = FindNamed(root, "contexts", contextName, "context", path);
        var clusterName = String(context, "cluster");
        var userName = String(context, "user");
        if (string.IsNullOrEmpty(clusterName))
            throw new InvalidInputException($"kubeconfig '{path}': context '{contextName}' names no cluster");

        var cluster = FindNamed(root, "clusters", clusterName, "cluster", path);
        var serverText = String(cluster, "server");
        if (string.IsNullOrEmpty(serverText))
            throw new InvalidInputException($"kubeconfig '{path}': cluster '{clusterName}' has no server");
        var server = ParseServer(serverText, $"kubeconfig '{path}' cluster '{clusterName}'");

        var insecure = cluster["insecure-skip-tls-verify"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
        X509Certificate2Collection? authorities = null;
        var caData = String(cluster, "certificate-authority-data");
        var caFile = String(cluster, "certificate-authority");
        if (!string.IsNullOrEmpty(caData))
            authorities = LoadPemCertificates(DecodeBase64(caData, path, $"cluster '{clusterName}' certificate-authority-data"), $"kubeconfig '{path}' certificate-authority-data");
        else if (!string.IsNullOrEmpty(caFile))
        {
            var caPath = Resolve(baseDirectory, caFile);
            authorities = LoadPemCertificates(ReadFile(caPath, $"kubeconfig '{path}' certificate-authority"), $"'{caPath}'");
        }
        if (insecure)
        {
            logger.Warning("kubeconfig {Path} cluster {Cluster} sets insecure-skip-tls-verify: the API server's certificate is NOT verified", path, clusterName);
            authorities = null;
        }

        BearerTokenSource? token = null;
        X509Certificate2? clientCertificate = null;
        if (!string.IsNullOrEmpty(userName))
        {
            var user = FindNamed(root, "users", userName, "user", path);
            var tokenText = String(user, "token");
            var tokenFile = String(user, "tokenFile");
            if (!string.IsNullOrEmpty(tokenText))
                token = BearerTokenSource.Fixed(tokenText);
            else if (!string.IsNullOrEmpty(tokenFile))
            {
                token = BearerTokenSource.FromFile(Resolve(baseDirectory, tokenFile), timeProvider);
                _ = token.GetToken();
            }
            clientCertificate = LoadClientCertificate(user, baseDirectory, path, userName);
            if (token is null && clientCertificate is null)
            {
                if (user["exec"] is not null || user["auth-provider"] is not null)
                    throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': exec and auth-provider credential plugins are not supported; use a token, tokenFile or client certificate");
                if (user["username"] is not null)
                    throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': basic authentication is not supported; use a token, tokenFile or client certificate");
            }
        }

        return new KubernetesClientConfiguration
        {
            Server = server,
            Namespace = String(context, "namespace") is { Length: > 0 } ns ? ns : null,
            CertificateAuthorities = authorities,
            InsecureSkipTlsVerify = insecure,
            Token = token,
            ClientCertificate = clientCertificate,
            Source = $"kubeconfig '{path}' (context '{contextName}', user '{userName}')",
        };
    }

    private static JsonObject ParseKubeconfig(string path)
    {
        var text = ReadFile(path, "kubeconfig");
        try
        {
            return YamlToJson.Convert(text) as JsonObject
                ?? throw new InvalidInputException($"kubeconfig '{path}': expected a YAML mapping");
        }
        catch (YamlException e)
        {
            // YamlDotNet messages quote positions, not values, so no credential leaks here.
            throw new InvalidInputException($"kubeconfig '{path}': not valid YAML: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    private static X509Certificate2? LoadClientCertificate(JsonObject user, string baseDirectory, string path, string userName)
    {
        string? certificatePem = null, keyPem = null;
        if (String(user, "client-certificate-data") is { Length: > 0 } certData)
            certificatePem = DecodeBase64(certData, path, $"user '{userName}' client-certificate-data");
        else if (String(user, "client-certificate") is { Length: > 0 } certFile)
            certificatePem = ReadFile(Resolve(baseDirectory, certFile), $"kubeconfig '{path}' client-certificate");
        if (String(user, "client-key-data") is { Length: > 0 } keyData)
            keyPem = DecodeBase64(keyData, path, $"user '{userName}' client-key-data");
        else if (String(user, "client-key") is { Length: > 0 } keyFile)
            keyPem = ReadFile(Resolve(baseDirectory, keyFile), $"kubeconfig '{path}' client-key");

        if (certificatePem is null && keyPem is null)
            return null;
        if (certificatePem is null || keyPem is null)
            throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': a client certificate needs both the certificate and the key");
        try
        {
            return X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException e)
        {
            // The message names the problem, never the key material.
            throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': client certificate/key cannot be loaded: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    internal static X509Certificate2Collection LoadPemCertificates(string pem, string source)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new InvalidInputException($"{source}: not a PEM certificate: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        if (collection.Count == 0)
            throw new InvalidInputException($"{source}: contains no PEM certificate");
        return collection;
    }

    internal static Uri ParseServer(string text, string source)
    {
        text = text.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
            text = "https://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new InvalidInputException($"{source}: '{text}' is not an http(s) URL of an API server");
        return uri;
    }

    private static JsonObject FindNamed(JsonObject root, string listName, string name, string field, string path)
    {
        if (root[listName] is JsonArray list)
        {
            foreach (var item in list.OfType<JsonObject>())
            {
                if (String(item, "name") == name)
                    return item[field] as JsonObject ?? [];
            }
        }
        throw new InvalidInputException($"kubeconfig '{path}': no {field} named '{name}'");
    }

    private static string? String(JsonObject obj, string name) =>
        obj[name] is JsonValue value ? value.ToString() : null;

    private static string? Get(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) ? value : null;

    private static string Resolve(string baseDirectory, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));

    private static string DecodeBase64(string data, string path, string what)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
        }
        catch (FormatException e)
        {
            throw new InvalidInputException($"kubeconfig '{path}': {what} is not valid base64", e);
        }
    }

    private static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot read {what} '{path}': {e.Message}", e);
        }
    }
}
