using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using Serilog;
using Stash.Restore.Core.Input;
using YamlDotNet.Core;
using LibraryConfiguration = k8s.KubernetesClientConfiguration;

namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// Reads cluster access the way client-go's <c>BuildConfigFromFlags</c> does for Stash:
/// an explicit --kubeconfig wins; else the in-cluster service account; else the existing
/// files of <c>KUBECONFIG</c>, merged as kubectl merges them, else <c>~/.kube/config</c>; --master overrides the server.
/// Kubeconfig files are read by KubernetesClient.Aot (contexts, certificate files, exec
/// credential plugins); what it lacks (<c>tokenFile</c>, a clear refusal of <c>auth-provider</c>)
/// is added here. The in-cluster case is built here because the library reads the process
/// environment and fixed paths, which the executor takes through seams instead.
/// </summary>
internal static class KubernetesConfigLoader
{
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static ApiServerConnection Load(KubernetesConfigRequest request, TimeProvider timeProvider, ILogger logger)
    {
        var configuration = LoadIgnoringMaster(request, timeProvider, logger);
        if (string.IsNullOrWhiteSpace(request.Master))
            return configuration;
        return configuration with { Server = ParseServer(request.Master, "--master") };
    }

    private static ApiServerConnection LoadIgnoringMaster(KubernetesConfigRequest request, TimeProvider timeProvider, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(request.KubeconfigPath))
        {
            if (!File.Exists(request.KubeconfigPath))
                throw new DependencyUnavailableException($"kubeconfig '{request.KubeconfigPath}' does not exist");
            return FromKubeconfig(request.KubeconfigPath, request.Context, timeProvider, logger);
        }

        if (IsInCluster(request))
            return InCluster(request.Environment, request.ServiceAccountDirectory, timeProvider);

        var kubeconfigs = FindKubeconfigs(request.Environment);
        if (kubeconfigs.Count > 0)
            return FromKubeconfigs(kubeconfigs, request.Context, timeProvider, logger);

        if (!string.IsNullOrWhiteSpace(request.Master))
        {
            var server = ParseServer(request.Master, "--master");
            logger.Warning("No kubeconfig and not in a cluster: talking to {Server} without credentials", KubernetesErrors.Display(server));
            return new ApiServerConnection { Server = server, Source = "--master without credentials" };
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
    public static ApiServerConnection InCluster(IReadOnlyDictionary<string, string> environment, string serviceAccountDirectory, TimeProvider timeProvider)
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

        return new ApiServerConnection
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(ns) ? null : ns,
            CertificateAuthorities = authorities,
            Token = token,
            Source = $"in-cluster service account ({serviceAccountDirectory})",
        };
    }

    /// <summary>The existing files of KUBECONFIG (':'-separated), in order, else ~/.kube/config; empty when there is none.</summary>
    public static IReadOnlyList<string> FindKubeconfigs(IReadOnlyDictionary<string, string> environment)
    {
        var list = Get(environment, "KUBECONFIG");
        if (!string.IsNullOrEmpty(list))
        {
            var existing = list.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists).Distinct(StringComparer.Ordinal).ToList();
            if (existing.Count > 0)
                return existing;
        }
        var home = Get(environment, "HOME");
        if (string.IsNullOrEmpty(home))
            return [];
        var defaultPath = Path.Combine(home, ".kube", "config");
        return File.Exists(defaultPath) ? [defaultPath] : [];
    }

    /// <summary>
    /// Several kubeconfig files (KUBECONFIG) read as kubectl merges them: each context, cluster and
    /// user from the first file that names it, the current-context from the first file that sets
    /// one. Relative paths stay relative to the file they are written in.
    /// </summary>
    public static ApiServerConnection FromKubeconfigs(IReadOnlyList<string> paths, string? contextName, TimeProvider timeProvider, ILogger logger)
    {
        if (paths.Count == 1)
            return FromKubeconfig(paths[0], contextName, timeProvider, logger);
        var models = paths.Select(LoadModel).ToList();
        // The library resolves a relative path against the model's one file name: make each file's own absolute first.
        for (var i = 0; i < models.Count; i++)
            AnchorRelativePaths(models[i], Path.GetDirectoryName(Path.GetFullPath(paths[i]))!);
        var merged = new K8SConfiguration
        {
            FileName = Path.GetFullPath(paths[0]),
            CurrentContext = models.Select(m => m.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Contexts = models.SelectMany(m => m.Contexts ?? []).DistinctBy(c => c.Name).ToList(),
            Clusters = models.SelectMany(m => m.Clusters ?? []).DistinctBy(c => c.Name).ToList(),
            Users = models.SelectMany(m => m.Users ?? []).DistinctBy(u => u.Name).ToList(),
        };
        string FileOfUser(string user) => paths[models.FindIndex(m => m.Users?.Any(u => u.Name == user) == true)];
        return FromModel(merged, string.Join(':', paths), FileOfUser, contextName, timeProvider, logger);
    }

    private static void AnchorRelativePaths(K8SConfiguration model, string directory)
    {
        string? Anchored(string? path) => string.IsNullOrEmpty(path) || Path.IsPathRooted(path) ? path : Path.Combine(directory, path);
        foreach (var cluster in model.Clusters ?? [])
        {
            if (cluster.ClusterEndpoint is { } endpoint)
                endpoint.CertificateAuthority = Anchored(endpoint.CertificateAuthority);
        }
        foreach (var user in model.Users ?? [])
        {
            if (user.UserCredentials is { } credentials)
            {
                credentials.ClientCertificate = Anchored(credentials.ClientCertificate);
                credentials.ClientKey = Anchored(credentials.ClientKey);
            }
        }
    }

    /// <summary>Reads a kubeconfig with KubernetesClient.Aot: the current (or named) context's cluster and user.</summary>
    public static ApiServerConnection FromKubeconfig(string path, string? contextName, TimeProvider timeProvider, ILogger logger) =>
        FromModel(LoadModel(path), path, _ => path, contextName, timeProvider, logger);

    /// <param name="path">The file, or the files joined with ':', as messages name them.</param>
    /// <param name="fileOfUser">The file that defines a user: its tokenFile is read there and resolved next to it.</param>
    private static ApiServerConnection FromModel(
        K8SConfiguration model, string path, Func<string, string> fileOfUser, string? contextName, TimeProvider timeProvider, ILogger logger)
    {
        contextName = string.IsNullOrEmpty(contextName) ? model.CurrentContext : contextName;
        if (string.IsNullOrEmpty(contextName))
            throw new InvalidInputException($"kubeconfig '{path}': no current-context set and no context named");
        var context = model.Contexts?.FirstOrDefault(c => c.Name == contextName)
            ?? throw new InvalidInputException($"kubeconfig '{path}': no context named '{contextName}'");
        var clusterName = context.ContextDetails?.Cluster;
        if (string.IsNullOrEmpty(clusterName))
            throw new InvalidInputException($"kubeconfig '{path}': context '{contextName}' names no cluster");
        if (model.Clusters?.Any(c => c.Name == clusterName) != true)
            throw new InvalidInputException($"kubeconfig '{path}': no cluster named '{clusterName}'");

        var userName = context.ContextDetails?.User;
        string? tokenFile = null;
        if (!string.IsNullOrEmpty(userName))
        {
            var user = model.Users?.FirstOrDefault(u => u.Name == userName)
                ?? throw new InvalidInputException($"kubeconfig '{path}': no user named '{userName}'");
            user.UserCredentials ??= new UserCredentials();
            var credentials = user.UserCredentials;
            if (credentials.AuthProvider is { } provider)
                throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': auth-provider '{provider.Name}' is not supported; use an exec credential plugin, a token, tokenFile or client certificate");
            tokenFile = string.IsNullOrEmpty(credentials.Token) ? ReadTokenFileField(fileOfUser(userName), userName) : null;
            var hasCertificatePart = !string.IsNullOrEmpty(credentials.ClientCertificateData ?? credentials.ClientCertificate);
            var hasKeyPart = !string.IsNullOrEmpty(credentials.ClientKeyData ?? credentials.ClientKey);
            // The library would silently ignore half a pair and then find no credentials at all.
            if (hasCertificatePart != hasKeyPart)
                throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': a client certificate needs both the certificate and the key");
            var hasCertificate = hasCertificatePart && hasKeyPart;
            if (string.IsNullOrEmpty(credentials.Token) && tokenFile is null && !hasCertificate && credentials.ExternalExecution is null && credentials.UserName is not null)
                throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': basic authentication is not supported; use a token, tokenFile, exec plugin or client certificate");
            if (tokenFile is not null)
                credentials.Token = "token-from-tokenFile"; // the library accepts only users it can authenticate; the real token comes from the file below
            if (string.IsNullOrEmpty(credentials.Token) && tokenFile is null && !hasCertificate && credentials.ExternalExecution is null)
                userName = null; // a user without credentials: anonymous, as kubectl does
            if (userName is null)
                context.ContextDetails!.User = null;
        }

        LibraryConfiguration library;
        try
        {
            // Runs an exec plugin, if any, now: its failure is reported before anything else happens.
            library = LibraryConfiguration.BuildConfigFromConfigObject(model, contextName);
        }
        catch (KubeConfigException e)
        {
            throw new DependencyUnavailableException($"kubeconfig '{path}' user '{userName}': {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"kubeconfig '{path}' cluster '{clusterName}': {FirstLine(e.Message)}", e);
        }

        var server = ParseServer(library.Host, $"kubeconfig '{path}' cluster '{clusterName}'");
        var authorities = library.SslCaCerts is { Count: > 0 } cas ? cas : null;
        if (library.SkipTlsVerify)
        {
            logger.Warning("kubeconfig {Path} cluster {Cluster} sets insecure-skip-tls-verify: the API server's certificate is NOT verified", path, clusterName);
            authorities = null;
        }

        BearerTokenSource? token = null;
        if (tokenFile is not null)
        {
            token = BearerTokenSource.FromFile(ResolveNextTo(fileOfUser(userName!), tokenFile), timeProvider);
            _ = token.GetToken();
        }
        else if (library.TokenProvider is { } plugin && !string.IsNullOrEmpty(library.AccessToken))
            token = BearerTokenSource.FromPlugin(plugin, library.AccessToken);
        else if (!string.IsNullOrEmpty(library.AccessToken))
            token = BearerTokenSource.Fixed(library.AccessToken);

        return new ApiServerConnection
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(library.Namespace) ? null : library.Namespace,
            CertificateAuthorities = authorities,
            InsecureSkipTlsVerify = library.SkipTlsVerify,
            TlsServerName = string.IsNullOrWhiteSpace(library.TlsServerName) ? null : library.TlsServerName.Trim(),
            Token = token,
            ClientCertificate = LoadClientCertificate(library, path, userName),
            Source = $"kubeconfig '{path}' (context '{contextName}', user '{userName}')",
        };
    }

    private static K8SConfiguration LoadModel(string path)
    {
        try
        {
            // The library fails with a NullReferenceException on a file that holds no YAML document (empty,
            // comments only, or caught half-written): say what is wrong instead.
            if (File.ReadLines(path).All(line => line.TrimStart().Length == 0 || line.TrimStart().StartsWith('#')))
                throw new InvalidInputException($"kubeconfig '{path}': the file is empty");
            return LibraryConfiguration.LoadKubeConfig(new FileInfo(path), useRelativePaths: true)
                ?? throw new InvalidInputException($"kubeconfig '{path}': the file is empty");
        }
        catch (YamlException e)
        {
            // YamlDotNet messages quote positions, not values, so no credential leaks here.
            throw new InvalidInputException($"kubeconfig '{path}': not valid YAML: {FirstLine(e.Message)}", e);
        }
        catch (KubeConfigException e)
        {
            throw new InvalidInputException($"kubeconfig '{path}': {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DependencyUnavailableException($"cannot read kubeconfig '{path}': {e.Message}", e);
        }
    }

    /// <summary>The user's <c>tokenFile</c>, which the library's model does not have.</summary>
    private static string? ReadTokenFileField(string path, string userName)
    {
        JsonNode? root;
        try
        {
            root = YamlToJson.Convert(File.ReadAllText(path));
        }
        catch (Exception e) when (e is YamlException or IOException or UnauthorizedAccessException)
        {
            return null; // the library read it already; nothing more to find
        }
        if (root?["users"] is not JsonArray users)
            return null;
        foreach (var user in users.OfType<JsonObject>())
        {
            if (user["name"] is JsonValue name && name.ToString() == userName)
                return user["user"]?["tokenFile"] is JsonValue file && file.ToString() is { Length: > 0 } text ? text : null;
        }
        return null;
    }

    private static X509Certificate2? LoadClientCertificate(LibraryConfiguration library, string path, string? userName)
    {
        string? certificatePem = null, keyPem = null;
        try
        {
            if (!string.IsNullOrEmpty(library.ClientCertificateData))
                certificatePem = Encoding.UTF8.GetString(Convert.FromBase64String(library.ClientCertificateData.Trim()));
            else if (!string.IsNullOrEmpty(library.ClientCertificateFilePath))
                certificatePem = ReadFile(library.ClientCertificateFilePath, $"kubeconfig '{path}' client-certificate");
            if (!string.IsNullOrEmpty(library.ClientCertificateKeyData))
                keyPem = Encoding.UTF8.GetString(Convert.FromBase64String(library.ClientCertificateKeyData.Trim()));
            else if (!string.IsNullOrEmpty(library.ClientKeyFilePath))
                keyPem = ReadFile(library.ClientKeyFilePath, $"kubeconfig '{path}' client-key");
        }
        catch (FormatException e)
        {
            throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': client certificate or key data is not valid base64", e);
        }

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
            throw new InvalidInputException($"kubeconfig '{path}' user '{userName}': client certificate/key cannot be loaded: {FirstLine(e.Message)}", e);
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
            throw new InvalidInputException($"{source}: not a PEM certificate: {FirstLine(e.Message)}", e);
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
            throw new InvalidInputException($"{source}: '{KubernetesErrors.Display(text)}' is not an http(s) URL of an API server");
        return uri;
    }

    private static string FirstLine(string message)
    {
        var line = message.ReplaceLineEndings("\n").Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "failed" : line;
    }

    private static string? Get(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) ? value : null;

    private static string ResolveNextTo(string kubeconfigPath, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(kubeconfigPath)) ?? ".", path));

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
