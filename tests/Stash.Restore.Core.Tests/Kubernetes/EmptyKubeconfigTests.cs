using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Kubernetes;

public sealed class EmptyKubeconfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kubeconfig-empty-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("")]
    [InlineData("# nothing here\n")]
    public void An_empty_kubeconfig_is_invalid_input_naming_the_file(string content)
    {
        var path = Path.Combine(_directory, "config");
        File.WriteAllText(path, content);

        var e = Assert.Throws<InvalidInputException>(() => KubernetesConfigLoader.FromKubeconfig(path, null, TimeProvider.System, Serilog.Core.Logger.None));

        Assert.Equal($"kubeconfig '{path}': the file is empty", e.Message);
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
    }
}
