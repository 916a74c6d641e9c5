using System.Diagnostics;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;
using static Stash.Restore.Core.Tests.Fakes.FakeRun;

namespace Stash.Restore.Core.Tests.Restic;

/// <summary>Credential files on disk: a fresh private folder per run, removed on every exit path, leftovers of killed runs swept.</summary>
public sealed class ResticWorkspaceTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const string CaCert = "-----BEGIN CERTIFICATE-----\nMIIBws-test-cert\n-----END CERTIFICATE-----\n";
    private readonly string _scratch = Directory.CreateTempSubdirectory("stash-workspace-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private ResticPlan PlanWithCredentials(string? directory = null)
    {
        directory ??= ResticBackends.NewCredentialsDirectory(Path.Combine(_scratch, ResticBackends.CredentialsDirectoryName));
        var env = new Dictionary<string, string?>();
        return new ResticPlan("local:/r", [new ResticInvocation("path /data", new ProcessSpec("restic", ["restore"], env))])
        {
            CredentialFiles = [new CredentialFile(Path.Combine(directory, "ca.crt"), CaCert)],
            ScratchDirectories = [Path.Combine(_scratch, "tmp")],
        };
    }

    private List<string> CredentialFolders() =>
        [.. Directory.EnumerateDirectories(_scratch, ResticBackends.CredentialsDirectoryName + "*")];

    [Fact]
    public void Each_run_gets_a_fresh_0700_folder_that_is_gone_afterwards()
    {
        var first = PlanWithCredentials();
        var second = PlanWithCredentials();
        string firstFolder, secondFolder;
        using (var a = ResticWorkspace.Prepare(first))
        using (var b = ResticWorkspace.Prepare(second))
        {
            firstFolder = a.CredentialsDirectory!;
            secondFolder = b.CredentialsDirectory!;
            Assert.NotEqual(firstFolder, secondFolder);
            Assert.Equal(Private, File.GetUnixFileMode(firstFolder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.CredentialFiles[0].Path));
            Assert.Equal(CaCert, File.ReadAllText(first.CredentialFiles[0].Path));
            // 128 random bits: nobody sharing the scratch folder can create it first.
            Assert.Matches("^restic-credentials-[0-9a-f]{32}$", Path.GetFileName(firstFolder));
        }
        Assert.False(Directory.Exists(firstFolder));
        Assert.False(Directory.Exists(secondFolder));
        Assert.Empty(CredentialFolders());
    }

    [Fact]
    public void A_folder_that_already_exists_is_never_reused()
    {
        var planted = Path.Combine(_scratch, "restic-credentials-planted");
        Directory.CreateDirectory(planted, Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var plan = PlanWithCredentials(planted);

        var e = Assert.Throws<DependencyUnavailableException>(() => ResticWorkspace.Prepare(plan));

        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(planted, "ca.crt")));
        Assert.True(Directory.Exists(planted)); // not ours: not removed either
    }

    [Fact]
    public async Task Folders_of_SIGKILLed_runs_are_swept_at_start_and_a_live_runs_folder_is_not()
    {
        var live = MakeLeftover("restic-credentials-0000000000000000000000000000aaaa");
        var dead = MakeLeftover("restic-credentials-0000000000000000000000000000bbbb");
        var notOurs = Path.Combine(_scratch, "restic-credentials-0000000000000000000000000000cccc");
        Directory.CreateDirectory(notOurs, Private | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // A real process holds the live folder's lock, as a running executor does.
        using var holder = Process.Start(new ProcessStartInfo("flock", [Path.Combine(live, ".lock"), "sleep", "60"]) { UseShellExecute = false })!;
        await WaitUntilLockedAsync(Path.Combine(live, ".lock"));

        using (var workspace = ResticWorkspace.Prepare(PlanWithCredentials()))
        {
            Assert.True(Directory.Exists(live));
            Assert.False(Directory.Exists(dead));
            Assert.True(Directory.Exists(notOurs));
        }

        holder.Kill(entireProcessTree: true); // SIGKILL: the holder cannot clean up; the kernel drops its lock
        await holder.WaitForExitAsync();
        // flock's child (sleep) holds the lock too and may die a moment after flock itself.
        await WaitUntilUnlockedAsync(Path.Combine(live, ".lock"));
        using (ResticWorkspace.Prepare(PlanWithCredentials()))
            Assert.False(Directory.Exists(live));
        Assert.Equal([notOurs], CredentialFolders());
    }

    [Fact]
    public async Task Credential_files_exist_while_restic_runs_and_are_removed_when_it_fails()
    {
        var plan = PlanWithCredentials();
        var file = plan.CredentialFiles[0].Path;
        var seen = false;
        var processes = new FakeProcessRunner().Then(_ =>
        {
            seen = File.Exists(file);
            return new FakeRun(1, Err("Fatal: unable to open config file: Stat: connection refused"));
        });
        var runner = new ResticRestoreRunner(processes, new Fakes.CollectingSink().Logger(), TimeProvider.System, new SecretMasker());

        await Assert.ThrowsAsync<RestoreFailedException>(() => runner.RunAsync(plan, CancellationToken.None));

        Assert.True(seen);
        Assert.False(File.Exists(file));
        Assert.Empty(CredentialFolders());
    }

    [Fact]
    public void The_default_scratch_folder_is_never_a_fixed_name_in_the_shared_temp_dir()
    {
        Assert.Equal("/home/u/.cache/stash-restore", ResticWorkspace.DefaultScratchDirectory(new Dictionary<string, string> { ["HOME"] = "/home/u" }));
        Assert.Equal("/xdg/stash-restore", ResticWorkspace.DefaultScratchDirectory(new Dictionary<string, string> { ["HOME"] = "/home/u", ["XDG_CACHE_HOME"] = "/xdg" }));
        var first = ResticWorkspace.DefaultScratchDirectory(new Dictionary<string, string> { ["HOME"] = "/" });
        var second = ResticWorkspace.DefaultScratchDirectory(new Dictionary<string, string>());
        Assert.Matches("^/tmp/stash-restore-[0-9a-f]{32}$", first);
        Assert.NotEqual(first, second);
    }

    private string MakeLeftover(string name)
    {
        var folder = Path.Combine(_scratch, name);
        Directory.CreateDirectory(folder, Private);
        File.WriteAllText(Path.Combine(folder, ".lock"), "");
        File.WriteAllText(Path.Combine(folder, "gcs-service-account.json"), "{\"private_key\":\"x\"}");
        return folder;
    }

    private static async Task WaitUntilUnlockedAsync(string lockFile)
    {
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.Read, FileShare.None);
                return;
            }
            catch (IOException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("the killed holder's lock was never released");
    }

    private static async Task WaitUntilLockedAsync(string lockFile)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.Read, FileShare.None);
            }
            catch (IOException)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("flock never took the lock");
    }
}
