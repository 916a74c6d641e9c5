namespace Stash.Restore.Core.Kubernetes;

/// <summary>
/// A namespaced API resource by group, version and plural, e.g. <c>("stash.appscode.com", "v1beta1",
/// "restoresessions")</c> or a core one with an empty group, <c>("", "v1", "secrets")</c>. The transport
/// knows resources only this way, never by a CRD type.
/// </summary>
internal sealed record ApiResource(string Group, string Version, string Plural)
{
    public static ApiResource Secrets { get; } = new("", "v1", "secrets");
    public static ApiResource Pods { get; } = new("", "v1", "pods");
    public static ApiResource Events { get; } = new("", "v1", "events");
    public static ApiResource Leases { get; } = new("coordination.k8s.io", "v1", "leases");

    /// <summary>The RBAC name, as errors show it: <c>restoresessions.stash.appscode.com</c>, <c>secrets</c>.</summary>
    public string Name => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The request path of one object (for tests and messages).</summary>
    public string PathOf(string @namespace, string name) =>
        (Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}")
        + $"/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}/{Uri.EscapeDataString(name)}";

    public override string ToString() => Name;
}
