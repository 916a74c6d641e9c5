namespace Stash.Restore.Core.Hooks;

/// <summary>
/// A hook handler as Kubernetes' probes and Stash's hooks shape it: exactly one of exec, httpGet,
/// httpPost or tcpSocket, with the container an exec runs in and the postRestore execution policy.
/// </summary>
internal sealed record HookSpec
{
    public ExecAction? Exec { get; init; }
    public HttpGetAction? HttpGet { get; init; }
    public HttpPostAction? HttpPost { get; init; }
    public TcpSocketAction? TcpSocket { get; init; }
    public string? ContainerName { get; init; }

    /// <summary>Always (default), OnSuccess or OnFailure. The schema declares it on postRestore only.</summary>
    public string? ExecutionPolicy { get; init; }
}

internal sealed record ExecAction
{
    public List<string>? Command { get; init; }
}

internal record HttpGetAction
{
    public string? Host { get; init; }
    public IntOrString? Port { get; init; }
    public string? Path { get; init; }
    public string? Scheme { get; init; }
    public List<HttpHeader>? HttpHeaders { get; init; }
}

internal sealed record HttpPostAction : HttpGetAction
{
    public string? Body { get; init; }
    public List<FormEntry>? Form { get; init; }
}

internal sealed record HttpHeader
{
    public string? Name { get; init; }
    public string? Value { get; init; }
}

internal sealed record FormEntry
{
    public string? Key { get; init; }
    public List<string>? Values { get; init; }
}

internal sealed record TcpSocketAction
{
    public string? Host { get; init; }
    public IntOrString? Port { get; init; }
}
