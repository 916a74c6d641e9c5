using Stash.Restore.Core.Families.KubeStash;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class KubeStashObjectsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kubestash-objects-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_seed_file_reads_and_a_Stash_file_is_refused_naming_what_it_is()
    {
        var seed = Path.Combine(_dir, "seed.yaml");
        File.WriteAllText(seed, KubeStashSamples.SeedSession);
        var stash = Path.Combine(_dir, "stash.yaml");
        File.WriteAllText(stash, "apiVersion: stash.appscode.com/v1beta1\nkind: RestoreSession\nmetadata: {name: x}");

        Assert.Equal("sample-restore", KubeStashObjects.ReadRestoreSession(seed).Metadata.Name);
        var error = Assert.Throws<InvalidInputException>(() => KubeStashObjects.ReadRestoreSession(stash));
        Assert.Equal(
            $"RestoreSession file '{stash}': expected apiVersion core.kubestash.com/v1alpha1 kind RestoreSession, got apiVersion stash.appscode.com/v1beta1 kind RestoreSession",
            error.Message);
    }

    [Fact]
    public void With_one_session_in_the_files_no_name_is_needed()
    {
        var objects = KubeStashSamples.Objects(KubeStashSamples.SeedSession, KubeStashSamples.StsSnapshot);

        Assert.Equal("sample-restore", KubeStashObjects.RestoreSession(objects, null, "ignored").Metadata.Name);
        Assert.Equal("sample-restore", KubeStashObjects.RestoreSession(objects, "sample-restore", "demo").Metadata.Name);
    }

    [Fact]
    public void Several_sessions_and_no_name_lists_them_and_a_wrong_name_is_not_found()
    {
        var objects = KubeStashSamples.Objects(KubeStashSamples.SeedSession, KubeStashSamples.SeedSession.Replace("name: sample-restore", "name: second", StringComparison.Ordinal));

        var several = Assert.Throws<InvalidInputException>(() => KubeStashObjects.RestoreSession(objects, null, "demo"));
        var missing = Assert.Throws<DependencyUnavailableException>(() => KubeStashObjects.RestoreSession(objects, "third", "demo"));

        Assert.Equal("the --objects files hold 2 RestoreSessions (demo/sample-restore, demo/second); name one with --restoresession and --namespace", several.Message);
        Assert.Equal("RestoreSession demo/third not found in the --objects files", missing.Message);
    }
}
