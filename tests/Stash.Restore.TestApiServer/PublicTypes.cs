namespace Stash.Restore.TestApiServer;

/// <summary>How to start a <see cref="TestApiServer"/>.</summary>
public sealed record TestApiServerOptions
{
    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Directory holding CRD YAML files (searched recursively). Null: the repository's
    /// <c>../shared/crds</c>, found by walking up from the binary to <c>StashRestore.slnx</c>;
    /// if that does not exist either, only the built-in core types are served.
    /// </summary>
    public string? CrdDirectory { get; init; }

    /// <summary>
    /// More directories of CRD YAML served beside <see cref="CrdDirectory"/>: the repository's
    /// <c>tests/crds/kyverno</c> and <c>tests/crds/kubestash-addons</c> for the install guide's objects.
    /// </summary>
    public IReadOnlyList<string> ExtraCrdDirectories { get; init; } = [];

    /// <summary>
    /// Issue the server's certificate from an intermediate CA (sent with it in the handshake)
    /// instead of from the root; <see cref="TestApiServer.IntermediateCaCertificatePem"/> is then set.
    /// </summary>
    public bool IssueFromIntermediateCa { get; init; }
}

/// <summary>
/// One RBAC-like permission. <c>"*"</c> is a wildcard for every field; <see cref="Resource"/>
/// names a subresource as <c>restoresessions/status</c>; a null namespace means every namespace.
/// </summary>
public sealed record AccessRule(string Verb, string Group, string Resource, string? Namespace = null);

/// <summary>One request as the server saw it, after it answered.</summary>
public sealed record RequestRecord(string Method, string PathAndQuery, string? ContentType, string? Body, int StatusCode, string? User);

/// <summary>A pods/exec request, as <see cref="TestApiServer.ExecHandler"/> sees it.</summary>
public sealed record ExecRequest(string Namespace, string Pod, string Container, IReadOnlyList<string> Command);

/// <summary>A scripted pods/exec outcome: what the "container" prints and how it exits.</summary>
public sealed record ExecResult(int ExitCode, string Stdout = "", string Stderr = "");
