using System.Text;
using Stash.Restore.Core;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Secrets;
using Stash.Restore.IntegrationTests.Kubernetes;
using Stash.Restore.TestApiServer;
using Stash.Restore.IntegrationTests.TestApiServerTests;

namespace Stash.Restore.IntegrationTests.Families.Stash;

/// <summary>
/// The Stash objects of a cluster run, read through <see cref="StashApiObjects"/> from the test API server
/// (real HTTPS, the real CRD schemas) and loaded by <see cref="StashInputs.LoadAsync"/>: what is read, in
/// which order and how often, and what a missing or forbidden object says.
/// </summary>
[Collection(KubernetesLoadCollection.Name)]
public sealed class StashApiObjectsTests : IClassFixture<KubeTestCluster>
{
    private const string Namespace = KubeTestCluster.Namespace;
    private const string Password = "api-pa55word-value";
    private static readonly PodIdentity Pod = new("app-0", Namespace, null, null, "app-0");

    private readonly KubeTestCluster _cluster;

    public StashApiObjectsTests(KubeTestCluster cluster)
    {
        _cluster = cluster;
        _cluster.Server.Faults.Clear();
    }

    /// <summary>A session <paramref name="name"/> with older top-level rules, its Repository <c>{name}-repo</c> and Secret <c>{name}-creds</c>.</summary>
    private void Seed(string name, bool withRepository = true, bool withSecret = true, string rulePath = "/data")
    {
        _cluster.Server.Put($$"""
            apiVersion: stash.appscode.com/v1beta1
            kind: RestoreSession
            metadata: {name: {{name}}, namespace: {{Namespace}}}
            spec:
              repository: {name: {{name}}-repo}
              rules:
              - paths: ["{{rulePath}}"]
              target:
                ref: {apiVersion: apps/v1, kind: StatefulSet, name: app}
            """);
        if (withRepository)
        {
            _cluster.Server.Put($$"""
                apiVersion: stash.appscode.com/v1alpha1
                kind: Repository
                metadata: {name: {{name}}-repo, namespace: {{Namespace}}}
                spec:
                  backend:
                    local: {mountPath: /safe/data}
                    storageSecretName: {{name}}-creds
                """);
        }
        if (withSecret)
        {
            _cluster.Server.Put($$"""
                apiVersion: v1
                kind: Secret
                metadata: {name: {{name}}-creds, namespace: {{Namespace}}}
                data: {RESTIC_PASSWORD: {{Convert.ToBase64String(Encoding.UTF8.GetBytes(Password))}}}
                """);
        }
    }

    private List<RequestRecord> RequestsFor(string name) =>
        _cluster.Server.Requests.Where(r => r.PathAndQuery.Contains($"/{name}", StringComparison.Ordinal)).ToList();

    private static Task<StashInputs> LoadAsync(IStashObjectSource source, string name, SecretMasker masker) =>
        StashInputs.LoadAsync(source, new SessionSelector(Namespace, name), null, Pod, null, masker, CancellationToken.None);

    [RequiresCrdsFact]
    public async Task Loads_the_session_its_repository_and_the_decoded_secret_with_one_GET_each_the_secret_masked()
    {
        Seed("api-load");
        var masker = new SecretMasker();

        var inputs = await LoadAsync(new StashApiObjects(_cluster.CreateApi(masker: masker)), "api-load", masker);

        Assert.Equal(
            [
                $"GET /apis/stash.appscode.com/v1beta1/namespaces/{Namespace}/restoresessions/api-load 200",
                $"GET /apis/stash.appscode.com/v1alpha1/namespaces/{Namespace}/repositories/api-load-repo 200",
                $"GET /api/v1/namespaces/{Namespace}/secrets/api-load-creds 200",
            ],
            RequestsFor("api-load").Select(r => $"{r.Method} {r.PathAndQuery} {r.StatusCode}"));
        // The older spec.rules come back normalised into the target, as Stash's webhook stores them.
        Assert.Equal(["/data"], Assert.Single(inputs.Session.Spec.Target!.Rules!).Paths);
        Assert.Equal(RestoreSessionSpec.LegacyRulesField, inputs.Session.Spec.RulesField);
        Assert.Equal("/safe/data", inputs.Repository.Spec.Backend!.Local!.MountPath);
        Assert.Equal(Password, inputs.RepositorySecret["RESTIC_PASSWORD"]);
        Assert.Equal("restic: *** rejected", masker.Apply($"restic: {Password} rejected"));
        Assert.Equal([$"Secret {Namespace}/api-load-creds"], masker.Registrations.Select(r => r.Source));
    }

    [RequiresCrdsFact]
    public async Task An_invalid_session_is_exit_2_after_one_GET_the_repository_and_secret_are_never_asked_for()
    {
        Seed("api-invalid", withRepository: false, withSecret: false, rulePath: "relative/data");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => LoadAsync(new StashApiObjects(_cluster.CreateApi()), "api-invalid", new SecretMasker()));

        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
        Assert.StartsWith($"RestoreSession {Namespace}/api-invalid is invalid: ", error.Message);
        Assert.Contains("spec.rules[0].paths[0]: \"relative/data\" is not an absolute path", error.Message);
        Assert.Equal([$"/apis/stash.appscode.com/v1beta1/namespaces/{Namespace}/restoresessions/api-invalid"], RequestsFor("api-invalid").Select(r => r.PathAndQuery));
    }

    [RequiresCrdsFact]
    public async Task A_missing_repository_or_secret_is_exit_3_in_one_line_naming_it_and_its_namespace()
    {
        Seed("api-no-repo", withRepository: false);
        Seed("api-no-secret", withSecret: false);
        var source = new StashApiObjects(_cluster.CreateApi());

        var repository = await Assert.ThrowsAsync<DependencyUnavailableException>(() => LoadAsync(source, "api-no-repo", new SecretMasker()));
        var secret = await Assert.ThrowsAsync<DependencyUnavailableException>(() => LoadAsync(source, "api-no-secret", new SecretMasker()));

        Assert.Equal($"repositories.stash.appscode.com \"api-no-repo-repo\" not found in namespace \"{Namespace}\"", repository.Message);
        Assert.Equal($"secrets \"api-no-secret-creds\" not found in namespace \"{Namespace}\"", secret.Message);
        Assert.Equal((ExitCodes.DependencyUnavailable, ExitCodes.DependencyUnavailable), (repository.ExitCode, secret.ExitCode));
    }

    [RequiresCrdsFact]
    public async Task A_service_account_that_may_not_read_the_secret_is_exit_3_saying_which_permission_is_missing()
    {
        Seed("api-forbidden");
        var token = _cluster.Server.AddToken($"system:serviceaccount:{Namespace}:no-secrets",
            new AccessRule("get", "stash.appscode.com", "restoresessions", Namespace),
            new AccessRule("get", "stash.appscode.com", "repositories", Namespace));

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            LoadAsync(new StashApiObjects(_cluster.CreateApi(token)), "api-forbidden", new SecretMasker()));

        Assert.StartsWith("permission missing: ", error.Message);
        Assert.EndsWith("grant the executor's service account \"get\" on \"secrets\"", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
