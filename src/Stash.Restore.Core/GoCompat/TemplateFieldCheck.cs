using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Finds, without executing, every field a template reads that the data cannot have: Go reports an unknown
/// struct field only when it executes, but a hook's data shape is known, so <c>validate</c> can say it first.
/// Shapes are tracked through <c>$</c>, variables and <c>with</c>; values from functions and range are not followed.
/// </summary>
internal sealed class TemplateFieldCheck
{
    private readonly GoTemplate _template;
    private readonly TemplateStruct _root;
    private readonly IReadOnlyDictionary<string, string> _unavailable;
    private readonly List<string> _problems = [];
    private readonly List<(string Name, object? Shape)> _vars = [];

    private TemplateFieldCheck(GoTemplate template, TemplateStruct root, IReadOnlyDictionary<string, string> unavailable)
    {
        _template = template;
        _root = root;
        _unavailable = unavailable;
    }

    /// <summary>
    /// Problems with their place (<c>template: NAME:LINE:COL: …</c>). <paramref name="unavailable"/> maps
    /// top-level fields that exist but cannot be used here to the reason (e.g. Status before the restore).
    /// </summary>
    public static IReadOnlyList<string> Check(GoTemplate template, TemplateStruct shape, IReadOnlyDictionary<string, string> unavailable)
    {
        var check = new TemplateFieldCheck(template, shape, unavailable);
        check._vars.Add(("$", shape));
        check.Walk(shape, template.Root);
        return check._problems;
    }

    private void Walk(object? dot, TemplateNode node)
    {
        switch (node)
        {
            case ListNode list:
                foreach (var child in list.Nodes)
                    Walk(dot, child);
                break;
            case ActionNode action:
                Pipe(dot, action.Pipe);
                break;
            case BranchNode branch:
                var mark = _vars.Count;
                var shape = Pipe(dot, branch.Pipe);
                if (branch.Kind == BranchKind.Range)
                {
                    // Elements of a range are not followed: their shape is unknown.
                    for (var i = mark; i < _vars.Count; i++)
                        _vars[i] = (_vars[i].Name, null);
                    Walk(null, branch.List);
                }
                else
                {
                    Walk(branch.Kind == BranchKind.With ? shape : dot, branch.List);
                }
                if (branch.ElseList is not null)
                    Walk(dot, branch.ElseList);
                _vars.RemoveRange(mark, _vars.Count - mark);
                break;
        }
    }

    private object? Pipe(object? dot, PipeNode pipe)
    {
        object? shape = null;
        foreach (var command in pipe.Cmds)
            shape = Command(dot, command);
        foreach (var variable in pipe.Decl)
        {
            if (pipe.IsAssign)
            {
                var index = _vars.FindLastIndex(v => v.Name == variable.Ident[0]);
                if (index >= 0)
                    _vars[index] = (variable.Ident[0], null);
            }
            else
            {
                _vars.Add((variable.Ident[0], pipe.Decl.Count == 1 ? shape : null));
            }
        }
        return shape;
    }

    private object? Command(object? dot, CommandNode command)
    {
        foreach (var arg in command.Args.Skip(1))
            Arg(dot, arg);
        // A function's result is not followed; the first word of a command otherwise gives the shape.
        return command.Args[0] is IdentifierNode ? null : Arg(dot, command.Args[0]);
    }

    private object? Arg(object? dot, TemplateNode node) => node switch
    {
        DotNode => dot,
        FieldNode field => Resolve(field, dot, field.Ident),
        VariableNode variable => Resolve(variable, _vars.FindLast(v => v.Name == variable.Ident[0]).Shape, variable.Ident.Skip(1).ToList()),
        ChainNode chain => Resolve(chain, Arg(dot, chain.Node), chain.Field),
        PipeNode pipe => Pipe(dot, pipe),
        StringNode => "",
        _ => null,
    };

    private object? Resolve(TemplateNode node, object? shape, IReadOnlyList<string> fields)
    {
        foreach (var field in fields)
        {
            switch (shape)
            {
                case TemplateStruct structure:
                    if (!structure.TryGet(field, out var next))
                    {
                        var known = string.Join(", ", structure.Fields.Select(f => f.Key));
                        Report(node, $"unknown field {node}: {structure.TypeName} has no field {field} (it has {known})");
                        return null;
                    }
                    if (ReferenceEquals(structure, _root) && _unavailable.TryGetValue(field, out var reason))
                    {
                        Report(node, $"field {node} {reason}");
                        return null;
                    }
                    shape = next;
                    break;
                case string:
                    Report(node, $"unknown field {node}: can't evaluate field {field} in type string");
                    return null;
                default:
                    return null;
            }
        }
        return shape;
    }

    private void Report(TemplateNode node, string message)
    {
        var text = _template.Text;
        var before = text[..Math.Min(node.Position, text.Length)];
        var line = 1 + before.Count(c => c == '\n');
        var column = Encoding.UTF8.GetByteCount(before.AsSpan(before.LastIndexOf('\n') + 1));
        _problems.Add(string.Create(CultureInfo.InvariantCulture, $"template: {_template.Name}:{line}:{column}: {message}"));
    }
}
