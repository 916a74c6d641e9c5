using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Input;

/// <summary>A mounted Secret (<c>--secret-dir</c>): one file per key, dot-entries skipped; failures name the key, never its content.</summary>
public sealed class SecretDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("secret-directory-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Secret_directory_keys_are_files_and_dot_entries_are_skipped()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "secret")).FullName;
        File.WriteAllText(Path.Combine(dir, "RESTIC_PASSWORD"), "s3cr3t-pass");
        Directory.CreateDirectory(Path.Combine(dir, "..data"));
        File.WriteAllText(Path.Combine(dir, ".hidden"), "x");
        var secret = SecretDirectory.Read(dir);
        Assert.Equal("s3cr3t-pass", Assert.Single(secret).Value);
    }

    [Fact]
    public void Keys_mounted_as_links_into_the_data_directory_are_read_through_them()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir, "..2026_12_06"));
        File.WriteAllText(Path.Combine(data.FullName, "RESTIC_PASSWORD"), "pw\n");
        File.CreateSymbolicLink(Path.Combine(_dir, "..data"), data.Name);
        File.CreateSymbolicLink(Path.Combine(_dir, "RESTIC_PASSWORD"), Path.Combine("..data", "RESTIC_PASSWORD"));

        var secret = SecretDirectory.Read(_dir);

        Assert.Equal(new Dictionary<string, string> { ["RESTIC_PASSWORD"] = "pw\n" }, secret);
    }

    [Fact]
    public void A_missing_directory_is_a_missing_dependency()
    {
        var missing = Path.Combine(_dir, "nope");

        var error = Assert.Throws<DependencyUnavailableException>(() => SecretDirectory.Read(missing));

        Assert.Equal(ExitCodes.DependencyUnavailable, error.ExitCode);
        Assert.Equal($"secret directory '{missing}' does not exist", error.Message);
    }

    [Fact]
    public void A_key_that_cannot_be_read_is_named_without_any_content()
    {
        File.WriteAllText(Path.Combine(_dir, "AWS_ACCESS_KEY_ID"), "AKIA-readable");
        File.CreateSymbolicLink(Path.Combine(_dir, "RESTIC_PASSWORD"), Path.Combine(_dir, "gone", "RESTIC_PASSWORD"));

        var error = Assert.Throws<DependencyUnavailableException>(() => SecretDirectory.Read(_dir));

        Assert.Equal($"secret directory '{_dir}': cannot read key RESTIC_PASSWORD: FileNotFoundException", error.Message);
    }
}
