using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using static Stash.Restore.Core.Tests.Fakes.FakeRun;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Secrets restic's side of a run could print: the runner's one masker, passwords inside repository URLs.</summary>
public sealed class ResticSecretLeakTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("stash-restic-leak-").FullName;
    private readonly Fakes.CollectingSink _log = new();

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static ResticPlan Plan(string display) =>
        new(display, [new ResticInvocation("path /data", new ProcessSpec("restic", ["restore"], new Dictionary<string, string?>()))]);

    [Fact]
    public async Task The_runner_masks_with_the_masker_it_is_given_not_one_of_its_own()
    {
        // AZURE_ACCOUNT_SAS was registered where the Secret was read; the plan carries no secrets of its own.
        var masker = new SecretMasker();
        masker.RegisterSecretData("Secret demo/azure", new Dictionary<string, string> { ["AZURE_ACCOUNT_SAS"] = "sv=2024&sig=c2FzLXNlY3JldA" });
        var processes = new FakeProcessRunner().Then(new FakeRun(1,
            Err("azure: request https://acct.blob.core.windows.net/box?sv=2024&sig=c2FzLXNlY3JldA failed: 403"),
            Err("Fatal: unable to open repository: sv=2024&sig=c2FzLXNlY3JldA is not valid")));
        var runner = new ResticRestoreRunner(processes, _log.Logger(), TimeProvider.System, masker);

        var e = await Assert.ThrowsAsync<RestoreFailedException>(() => runner.RunAsync(Plan("azure:box:/"), CancellationToken.None));

        Assert.DoesNotContain("c2FzLXNlY3JldA", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2FzLXNlY3JldA", _log.Text, StringComparison.Ordinal);
        Assert.Contains("unable to open repository: *** is not valid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_written_into_rest_url_is_never_printed()
    {
        var location = StashBackendLocation.Of(new Repository
        {
            ApiVersion = Repository.ApiVersionV1Alpha1,
            Kind = Repository.KindName,
            Metadata = new ObjectMeta { Name = "rest-repo", Namespace = "demo" },
            Spec = new RepositorySpec { Backend = new BackendSpec { Rest = new RestServerSpec { Url = "http://admin:url-pw-9876@127.0.0.1:8000/repo" } } },
        });
        var access = ResticBackends.Build(location, new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "restic-pw-12345" }, Path.Combine(_scratch, "restic-credentials"));

        Assert.Equal("rest:http://admin:***@127.0.0.1:8000/repo", access.Display);
        Assert.Equal("rest:http://admin:url-pw-9876@127.0.0.1:8000/repo", access.Environment["RESTIC_REPOSITORY"]);

        var processes = new FakeProcessRunner().Then(new FakeRun(0));
        await new ResticRestoreRunner(processes, _log.Logger(), TimeProvider.System, new SecretMasker()).RunAsync(Plan(access.Display), CancellationToken.None);
        Assert.Contains("restic: restoring path /data from rest:http://admin:***@127.0.0.1:8000/repo", _log.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("url-pw-9876", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rest_url_that_is_not_a_url_is_reported_without_its_password()
    {
        var location = StashBackendLocation.Of(new Repository
        {
            Metadata = new ObjectMeta { Name = "rest-repo", Namespace = "demo" },
            Spec = new RepositorySpec { Backend = new BackendSpec { Rest = new RestServerSpec { Url = "admin:url-pw-9876@127.0.0.1:8000/repo" } } },
        });
        var e = Assert.Throws<InvalidInputException>(() => ResticBackends.Build(
            location, new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "p", ["REST_SERVER_USERNAME"] = "u" }, _scratch));
        Assert.DoesNotContain("url-pw-9876", e.Message, StringComparison.Ordinal);
        Assert.Contains("admin:***@127.0.0.1:8000/repo", e.Message, StringComparison.Ordinal);
    }
}
