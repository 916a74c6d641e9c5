
namespace Stash.Restore.Core.Hooks;

/// <summary>Where the executor runs and how long a hook may take.</summary>
internal sealed record HookExecutorOptions
{
    /// <summary>The container name Stash gives the injected init-container.</summary>
    public const string DefaultOwnContainerName = "stash-init";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>An exec hook whose <c>containerName</c> is empty or this runs locally, in the executor.</summary>
    public string OwnContainerName { get; init; } = DefaultOwnContainerName;

    /// <summary>Applies to every hook of every handler kind.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>
    /// Default host of httpGet/httpPost/tcpSocket hooks (the kubelet's default). When unknown,
    /// 127.0.0.1: the executor shares the pod's network namespace.
    /// </summary>
    public string? PodIp { get; init; }

    /// <summary>
    /// Named container ports of the pod (<c>name → number</c>) for hooks whose port is a name,
    /// used when the hook's <c>containerName</c> does not declare the name itself.
    /// </summary>
    public IReadOnlyDictionary<string, int> NamedPorts { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Named ports per container (<c>container → name → number</c>): like the kubelet, a hook
    /// with a <c>containerName</c> resolves a port name in that container first.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ContainerNamedPorts { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, int>>();

    /// <summary>How many of an exec hook's last output lines are logged and put into its failure message.</summary>
    public int OutputTailLines { get; init; } = 20;
}
