namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>Random hook-like templates over the supported grammar and functions, for differential tests.</summary>
internal static class TemplateGenerator
{
    private static readonly string[] Leaves =
    [
        ".Name", ".Namespace", ".Hostname", ".Status.Phase", ".Status.Error", ".Status.Duration", ".Target.Kind",
        ".Target.APIVersion", ".Invoker.Name", ".Invoker.Kind", ".Target.Namespace", "\"text\"", "\"a-b-c\"", "\" padded \"", "\"<html & 'q'>\"", "\"\"", "`raw`", "42", "0", "-3", "2.5", "true", "false",
        "$", ".", ".Nope", ".Status.Phse", "$.Target.Kind.X", "(list 1 \"a\")", "(dict \"k\" .Name)", "(list)", "(dict)", ".Target", ".Status",
    ];

    private static readonly string[] Functions =
    [
        "upper", "lower", "title", "trim", "quote", "squote", "toJson", "toString", "b64enc", "len", "not", "empty",
        "print", "println", "html", "js", "urlquery", "list", "default \"dflt\"", "coalesce \"\"", "printf \"%v\"",
        "printf \"%s-%d\"", "printf \"%q\"", "eq \"Succeeded\"", "ne 0", "trimPrefix \"restore-\"", "trimSuffix \"-1\"",
        "replace \"e\" \"E\"", "contains \"o\"", "hasPrefix \"re\"", "hasSuffix \"1\"", "join \",\"", "indent 2", "nindent 1",
        "index (dict \"k\" \"v\")", "and 1", "or \"\"", "dict \"a\"", "split \"-\"", "get (dict \"a\" 1)", "hasKey (dict \"a\" 1)",
        "lt 1", "gt \"m\"", "toPrettyJson",
    ];

    // Ways to break a template, so parse errors are compared as well as output.
    private static readonly Func<string, Random, string>[] Breakages =
    [
        (t, _) => t[..t.LastIndexOf("}}", StringComparison.Ordinal)],
        (t, _) => t + "{{ end }}",
        (t, _) => t + "{{ else }}",
        (t, r) => t.Insert(r.Next(t.Length + 1), "{{ nosuchfunc }}"),
        (t, _) => t + "{{ if .Name }}open",
        (t, _) => t + "{{ $undeclared }}",
        (t, _) => t + "{{ (upper .Name }}",
        (t, _) => t + "{{ \"unterminated }}",
        (t, _) => t.Replace("}}", "} }", StringComparison.Ordinal),
    ];

    public static string Template(Random random)
    {
        var parts = new List<string>();
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
            parts.Add(Statement(random, 0));
        var template = string.Join(random.Next(3) == 0 ? "\n " : " ", parts);
        return random.Next(8) == 0 ? Breakages[random.Next(Breakages.Length)](template, random) : template;
    }

    private static string Statement(Random random, int depth)
    {
        var expression = Expression(random, depth);
        var left = random.Next(4) == 0 ? "{{- " : "{{ ";
        var right = random.Next(4) == 0 ? " -}}" : " }}";
        return random.Next(depth > 1 ? 2 : 8) switch
        {
            0 or 1 => $"a{left}{expression}{right} b",
            2 => $"{left}if {expression}{right}yes{{{{ else if {Expression(random, depth + 1)} }}}}maybe{{{{ else }}}}no{{{{ end }}}}",
            3 => $"{left}with {expression}{right}[{{{{ . }}}}]{{{{ else }}}}none{{{{ end }}}}",
            4 => $"{left}range $i, $v := {expression}{right}{{{{ $i }}}}={{{{ $v }}}};{{{{ else }}}}empty{{{{ end }}}}",
            5 => $"{{{{ $x := {expression} }}}}{left}$x{right}|{{{{ $x = \"re\" }}}}{{{{ $x }}}}",
            6 => $"{left}{expression} | {Function(random)}{right}",
            // A comment must touch its delimiters ("{{/*" or "{{- /*"), else Go reads "/" as a bad character.
            _ => (left == "{{ " ? "{{/* note */" : "{{- /* note */") + (right == " }}" ? "}}" : " -}}") + Statement(random, depth + 1),
        };
    }

    private static string Expression(Random random, int depth)
    {
        if (depth > 2 || random.Next(3) == 0)
            return Leaves[random.Next(Leaves.Length)];
        var function = Function(random);
        var argument = random.Next(4) == 0 ? $"({Expression(random, depth + 1)})" : Leaves[random.Next(Leaves.Length)];
        return $"{function} {argument}";
    }

    private static string Function(Random random) => Functions[random.Next(Functions.Length)];
}
