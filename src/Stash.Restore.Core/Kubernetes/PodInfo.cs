namespace Stash.Restore.Core.Kubernetes;

/// <summary>What the executor knows about a pod (its own, for hooks), flattened from the library's <c>V1Pod</c>.</summary>
internal sealed record PodInfo(string Name, string Namespace, string? PodIP, IReadOnlyList<ContainerInfo> Containers);

internal sealed record ContainerInfo(string Name, IReadOnlyList<ContainerPortInfo> Ports);

internal sealed record ContainerPortInfo(string? Name, int ContainerPort);
