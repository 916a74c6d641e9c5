using System.CommandLine;

namespace Stash.Restore.TestApiServer;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 = a free one)", DefaultValueFactory = _ => 6443 };
        var crds = new Option<string?>("--crds") { Description = "Directory of CRD YAML files (default: ../shared/crds beside the repository)" };
        var extraCrds = new Option<string[]>("--extra-crds") { Description = "More directories of CRD YAML files, e.g. tests/crds/kyverno (repeatable)" };
        var kubeconfig = new Option<string>("--kubeconfig") { Description = "Where to write a kubeconfig with the admin token", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "test-kubeconfig") };
        var seed = new Option<string[]>("--seed") { Description = "YAML/JSON files of objects to create at start (RBAC objects too)", AllowMultipleArgumentsPerToken = true };
        var serviceAccountKubeconfigs = new Option<string[]>("--kubeconfig-for-sa")
        {
            Description = "NAMESPACE:NAME=PATH: also write a kubeconfig for that service account (its token, its namespace); repeatable. " +
                "It may do what the Roles and bindings in the server grant it (kubectl create -f, or --seed).",
            HelpName = "namespace:name=path",
        };
        serviceAccountKubeconfigs.Validators.Add(result =>
        {
            foreach (var value in result.Tokens.Select(t => t.Value))
            {
                if (!TryParseServiceAccountKubeconfig(value, out _, out _))
                    result.AddError($"--kubeconfig-for-sa {value}: expected NAMESPACE:NAME=PATH, e.g. demo:restore-job=/tmp/restore-job.kubeconfig");
            }
        });
        var root = new RootCommand("A Kubernetes API server for stash-restore tests") { port, crds, extraCrds, kubeconfig, seed, serviceAccountKubeconfigs };
        root.SetAction(async (parseResult, ct) =>
        {
            await using var server = await TestApiServer.StartAsync(new TestApiServerOptions
            {
                Port = parseResult.GetValue(port),
                CrdDirectory = parseResult.GetValue(crds),
                ExtraCrdDirectories = parseResult.GetValue(extraCrds) ?? [],
            }, ct);
            foreach (var file in parseResult.GetValue(seed) ?? [])
            {
                foreach (var obj in Yaml.ParseDocuments(await File.ReadAllTextAsync(file, ct)))
                    server.Put(obj);
            }
            var path = server.WriteKubeconfig(parseResult.GetValue(kubeconfig)!);
            await Console.Out.WriteLineAsync($"serving on {server.BaseAddress}");
            await Console.Out.WriteLineAsync($"crds from {server.CrdDirectory ?? "(none: built-in types only)"}");
            await Console.Out.WriteLineAsync($"kubeconfig written to {Path.GetFullPath(path)}");
            foreach (var value in parseResult.GetValue(serviceAccountKubeconfigs) ?? [])
            {
                TryParseServiceAccountKubeconfig(value, out var serviceAccount, out var saPath);
                server.WriteKubeconfig(saPath, serviceAccount: serviceAccount);
                await Console.Out.WriteLineAsync($"kubeconfig of service account {serviceAccount} written to {Path.GetFullPath(saPath)}");
            }
            await Console.Out.WriteLineAsync("press Ctrl-C to stop");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                await Console.Out.WriteLineAsync("stopping");
            }
            return 0;
        });
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary><c>demo:restore-job=/tmp/kc</c> → (<c>demo:restore-job</c>, <c>/tmp/kc</c>).</summary>
    private static bool TryParseServiceAccountKubeconfig(string value, out string serviceAccount, out string path)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        serviceAccount = equals > 0 ? value[..equals] : "";
        path = equals > 0 ? value[(equals + 1)..] : "";
        return path.Length > 0 && serviceAccount.Split(':') is [{ Length: > 0 }, { Length: > 0 }];
    }
}
