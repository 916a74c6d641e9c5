using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Hooks;

/// <summary>
/// Checks a hook before anything runs, so a hook that can never work is invalid input (exit 2)
/// rather than a failed restore discovered after the data has been touched.
/// </summary>
internal static class HookValidation
{
    /// <exception cref="InvalidInputException">The hook names no handler or several, has no command, a bad port, scheme, template or policy.</exception>
    public static void Validate(HookSpec hook, HookStage stage)
    {
        if (Problem(hook, stage) is { } problem)
            throw new InvalidInputException($"spec.hooks.{HookPolicy.StageName(stage)}: {problem}");
    }

    /// <summary>The first thing wrong with <paramref name="hook"/>, or null when it can run.</summary>
    public static string? Problem(HookSpec hook, HookStage stage)
    {
        var handlers = new (string Name, object? Value)[]
        {
            ("exec", hook.Exec), ("httpGet", hook.HttpGet), ("httpPost", hook.HttpPost), ("tcpSocket", hook.TcpSocket),
        }.Where(h => h.Value is not null).Select(h => h.Name).ToList();
        if (handlers.Count == 0)
            return "no handler: set one of exec, httpGet, httpPost, tcpSocket";
        if (handlers.Count > 1)
            return $"set only one handler, found {string.Join(", ", handlers)}";

        if (stage == HookStage.PostRestore && hook.ExecutionPolicy is { Length: > 0 } policy
            && policy is not (HookPolicy.Always or HookPolicy.OnSuccess or HookPolicy.OnFailure))
        {
            return $"executionPolicy \"{policy}\" is not one of {HookPolicy.Always}, {HookPolicy.OnSuccess}, {HookPolicy.OnFailure}";
        }

        return Handler(hook) ?? Templates(hook, stage);
    }

    private static string? Handler(HookSpec hook)
    {
        if (hook.Exec is { } exec)
        {
            if (exec.Command is not { Count: > 0 } command || string.IsNullOrEmpty(command[0]))
                return "exec.command is empty: give the program and its arguments as a list";
            return null;
        }
        if (hook.HttpPost is { } post)
        {
            if (!string.IsNullOrEmpty(post.Body) && post.Form is { Count: > 0 })
                return "httpPost sets both body and form: set one";
            if (post.Form?.FirstOrDefault(f => string.IsNullOrEmpty(f.Key)) is not null)
                return "httpPost.form has an entry without a key";
            return Http("httpPost", post);
        }
        if (hook.HttpGet is { } get)
            return Http("httpGet", get);
        if (hook.TcpSocket is { } tcp)
            return Port("tcpSocket", tcp.Port);
        return null;
    }

    private static string? Http(string kind, HttpGetAction action)
    {
        if (action.Scheme is { Length: > 0 } scheme
            && !scheme.Equals("HTTP", StringComparison.OrdinalIgnoreCase)
            && !scheme.Equals("HTTPS", StringComparison.OrdinalIgnoreCase))
        {
            return $"{kind}.scheme \"{scheme}\" is not HTTP or HTTPS";
        }
        if (action.HttpHeaders?.FirstOrDefault(h => string.IsNullOrWhiteSpace(h.Name)) is not null)
            return $"{kind}.httpHeaders has an entry without a name";
        return Port(kind, action.Port);
    }

    private static string? Port(string kind, IntOrString? port) => port switch
    {
        null => $"{kind}.port is required",
        { Number: { } n } when n is < 1 or > 65535 => $"{kind}.port {n} is not in 1-65535",
        { Number: null, Name: null or "" } => $"{kind}.port is empty",
        _ => null,
    };

    // Every template problem of the hook, each with its place: "template: httpPost.body:1:12: unknown field .Foo: …".
    private static string? Templates(HookSpec hook, HookStage stage)
    {
        var problems = TemplatedPlaces(hook)
            .SelectMany(t => HookTemplate.Problems(t.Text, stage, t.Place))
            .ToList();
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>Every string of the hook that is rendered as a template before use.</summary>
    public static IEnumerable<string> TemplatedStrings(HookSpec hook) => TemplatedPlaces(hook).Select(t => t.Text);

    /// <summary>Every templated string with its place in the hook (<c>exec.command[1]</c>, <c>httpPost.body</c>).</summary>
    public static IEnumerable<(string Place, string Text)> TemplatedPlaces(HookSpec hook)
    {
        var strings = new List<(string, string?)>();
        var command = hook.Exec?.Command ?? [];
        for (var i = 0; i < command.Count; i++)
            strings.Add(($"exec.command[{i}]", command[i]));
        foreach (var (kind, action) in new (string, HttpGetAction?)[] { ("httpGet", hook.HttpGet), ("httpPost", hook.HttpPost) })
        {
            if (action is null)
                continue;
            strings.Add(($"{kind}.host", action.Host));
            strings.Add(($"{kind}.path", action.Path));
            var headers = action.HttpHeaders ?? [];
            for (var i = 0; i < headers.Count; i++)
            {
                strings.Add(($"{kind}.httpHeaders[{i}].name", headers[i].Name));
                strings.Add(($"{kind}.httpHeaders[{i}].value", headers[i].Value));
            }
        }
        strings.Add(("httpPost.body", hook.HttpPost?.Body));
        var form = hook.HttpPost?.Form ?? [];
        for (var i = 0; i < form.Count; i++)
        {
            strings.Add(($"httpPost.form[{i}].key", form[i].Key));
            var values = form[i].Values ?? [];
            for (var v = 0; v < values.Count; v++)
                strings.Add(($"httpPost.form[{i}].values[{v}]", values[v]));
        }
        strings.Add(("tcpSocket.host", hook.TcpSocket?.Host));
        return strings.Where(s => s.Item2 is not null).Select(s => (s.Item1, s.Item2!));
    }
}
