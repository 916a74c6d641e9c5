using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Fakes;

/// <summary>Pod exec as the hooks see it: records each call; the callback plays the command.</summary>
internal sealed class FakePodExec(Func<string, IReadOnlyList<string>, Action<OutputStream, string>, CancellationToken, Task<int>> behaviour) : IPodExec
{
    public List<(string Container, IReadOnlyList<string> Command)> Calls { get; } = [];

    public Task<int> ExecAsync(string container, IReadOnlyList<string> command, Action<OutputStream, string> onLine, CancellationToken cancellationToken)
    {
        Calls.Add((container, command));
        return behaviour(container, command, onLine, cancellationToken);
    }
}
