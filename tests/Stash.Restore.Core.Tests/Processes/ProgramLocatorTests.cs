using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Processes;

/// <summary>Programs found as execvp finds them: a path with a slash as is, a bare name on PATH, executables only.</summary>
public sealed class ProgramLocatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("program-locator-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Program(string folder, string name, bool executable)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, folder)).FullName;
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "#!/bin/sh\n");
        File.SetUnixFileMode(path, executable ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    [Fact]
    public void A_bare_name_is_the_first_executable_of_that_name_on_path()
    {
        Program("first", "restic", executable: false);
        var second = Program("second", "restic", executable: true);
        Program("third", "restic", executable: true);

        Assert.Equal(second, ProgramLocator.Find("restic", $"{_root}/missing::{_root}/first:{_root}/second:{_root}/third"));
        Assert.Null(ProgramLocator.Find("restic", $"{_root}/first"));
        Assert.Null(ProgramLocator.Find("restic", null));
    }

    [Fact]
    public void A_path_with_a_slash_is_taken_as_is_when_it_is_an_executable_file()
    {
        var program = Program("bin", "restic", executable: true);
        var notExecutable = Program("bin", "notes", executable: false);

        Assert.Equal(program, ProgramLocator.Find(Path.GetRelativePath(Environment.CurrentDirectory, program), "/nowhere"));
        Assert.Null(ProgramLocator.Find(notExecutable, null));
        Assert.Null(ProgramLocator.Find(Path.Combine(_root, "bin"), null));
        Assert.Null(ProgramLocator.Find("", "/usr/bin"));
    }
}
