using System.Globalization;
using System.Text;

namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Executes a parsed template the way Go's text/template does (exec.go, Go 1.19): printing, variables,
/// if/range/with, pipelines, field access on structs and maps, and function calls with Go's argument checks.
/// </summary>
internal sealed class TemplateExecutor
{
    private readonly string _name;
    private readonly string _text;
    private readonly TemplateCallContext _context;
    private readonly StringBuilder _output = new();
    private readonly List<(string Name, object? Value)> _vars = [];

    // The node being evaluated, as Go's state.at: errors are reported "at" it, whatever raised them.
    private TemplateNode _at = new ListNode(0, []);

    private TemplateExecutor(string name, string text, TemplateCallContext context)
    {
        _name = name;
        _text = text;
        _context = context;
    }

    /// <summary>Runs <paramref name="root"/> over <paramref name="data"/>.</summary>
    /// <exception cref="TemplateException">An execution error, in Go's form (<c>template: x:1:3: executing "x" at &lt;.Foo&gt;: …</c>).</exception>
    public static string Execute(string name, string text, ListNode root, object? data, TemplateCallContext context)
    {
        var executor = new TemplateExecutor(name, text, context);
        executor._vars.Add(("$", data));
        executor.Walk(data, root);
        return executor._output.ToString();
    }

    private void Walk(object? dot, TemplateNode node)
    {
        _at = node;
        switch (node)
        {
            case ListNode list:
                foreach (var child in list.Nodes)
                    Walk(dot, child);
                break;
            case TextNode text:
                _output.Append(text.Text);
                break;
            case ActionNode action:
                var value = EvalPipeline(dot, action.Pipe);
                if (action.Pipe.Decl.Count == 0)
                    _output.Append(value is null ? "<no value>" : GoFormat.Value(value));
                break;
            case BranchNode branch:
                WalkBranch(dot, branch);
                break;
            default:
                throw Error(node, $"unknown node {node}");
        }
    }

    private void WalkBranch(object? dot, BranchNode branch)
    {
        var mark = _vars.Count;
        try
        {
            if (branch.Kind == BranchKind.Range)
            {
                WalkRange(dot, branch);
                return;
            }
            var value = EvalPipeline(dot, branch.Pipe);
            if (GoValue.IsTrue(value))
                Walk(branch.Kind == BranchKind.With ? value : dot, branch.List);
            else if (branch.ElseList is not null)
                Walk(dot, branch.ElseList);
        }
        finally
        {
            _vars.RemoveRange(mark, _vars.Count - mark);
        }
    }

    private void WalkRange(object? dot, BranchNode range)
    {
        var value = EvalPipeline(dot, range.Pipe);
        var items = value switch
        {
            null => [],
            List<object?> list => list.Select((v, i) => ((object?)(long)i, v)).ToList(),
            TemplateMap map => map.Sorted().Select(e => ((object?)e.Key, e.Value)).ToList(),
            _ => throw Error($"range can't iterate over {GoFormat.Value(value)}"),
        };
        if (items.Count == 0)
        {
            if (range.ElseList is not null)
                Walk(dot, range.ElseList);
            return;
        }
        var mark = _vars.Count;
        foreach (var (key, item) in items)
        {
            // Range declarations are set per iteration: "$v" is the element, "$k, $v" the key and element.
            if (range.Pipe.Decl.Count > 0)
            {
                if (range.Pipe.IsAssign)
                {
                    SetVar(range, range.Pipe.Decl[0].Ident[0], range.Pipe.Decl.Count > 1 ? key : item);
                    if (range.Pipe.Decl.Count > 1)
                        SetVar(range, range.Pipe.Decl[1].Ident[0], item);
                }
                else
                {
                    _vars[mark - range.Pipe.Decl.Count + (range.Pipe.Decl.Count > 1 ? 1 : 0)] = (range.Pipe.Decl[^1].Ident[0], item);
                    if (range.Pipe.Decl.Count > 1)
                        _vars[mark - 2] = (range.Pipe.Decl[0].Ident[0], key);
                }
            }
            Walk(item, range.List);
            _vars.RemoveRange(mark, _vars.Count - mark);
        }
    }

    private object? EvalPipeline(object? dot, PipeNode pipe)
    {
        _at = pipe;
        object? value = null;
        var hasValue = false;
        foreach (var command in pipe.Cmds)
        {
            value = EvalCommand(dot, command, value, hasValue);
            hasValue = true;
        }
        foreach (var variable in pipe.Decl)
        {
            if (pipe.IsAssign)
                SetVar(pipe, variable.Ident[0], value);
            else
                _vars.Add((variable.Ident[0], value));
        }
        return value;
    }

    private void SetVar(TemplateNode node, string name, object? value)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                _vars[i] = (name, value);
                return;
            }
        }
        throw Error(node, $"undefined variable: {name}");
    }

    private object? GetVar(TemplateNode node, string name)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
                return _vars[i].Value;
        }
        throw Error(node, $"undefined variable: {name}");
    }

    private object? EvalCommand(object? dot, CommandNode command, object? final, bool hasFinal)
    {
        var first = command.Args[0];
        switch (first)
        {
            case FieldNode field:
                return EvalFieldChain(dot, field, dot, field.Ident, command.Args, final, hasFinal);
            case ChainNode chain:
                return EvalFieldChain(dot, chain, EvalArgValue(dot, chain.Node), chain.Field, command.Args, final, hasFinal);
            case IdentifierNode identifier:
                return EvalCall(dot, identifier, command, command.Args, final, hasFinal);
            case VariableNode variable:
                return EvalVariable(dot, variable, command.Args, final, hasFinal);
            case PipeNode pipe:
                _at = first;
                NotAFunction(command.Args, hasFinal, first);
                return EvalPipeline(dot, pipe);
        }
        _at = first;
        NotAFunction(command.Args, hasFinal, first);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Error(first, "nil is not a command"),
            NumberNode number => IdealConstant(number),
            StringNode s => s.Text,
            _ => throw Error(first, $"can't evaluate command {GoFormat.Quote(first.ToString()!)}"),
        };
    }

    private void NotAFunction(List<TemplateNode> args, bool hasFinal, TemplateNode node)
    {
        if (args.Count > 1 || hasFinal)
            throw Error(node, $"can't give argument to non-function {args[0]}");
    }

    private object? EvalVariable(object? dot, VariableNode variable, List<TemplateNode> args, object? final, bool hasFinal)
    {
        _at = variable;
        var value = GetVar(variable, variable.Ident[0]);
        if (variable.Ident.Count == 1)
        {
            NotAFunction(args, hasFinal, variable);
            return value;
        }
        return EvalFieldChain(dot, variable, value, variable.Ident.Skip(1).ToList(), args, final, hasFinal);
    }

    private object? EvalFieldChain(object? dot, TemplateNode node, object? receiver, IReadOnlyList<string> ident, List<TemplateNode> args, object? final, bool hasFinal)
    {
        _ = dot;
        _at = node;
        for (var i = 0; i < ident.Count; i++)
        {
            var last = i == ident.Count - 1;
            if (last && (args.Count > 1 || hasFinal))
            {
                // Only methods take arguments; the values here have fields, not methods.
                if (receiver is TemplateStruct s && s.TryGet(ident[i], out _))
                    throw Error(node, $"{ident[i]} has arguments but cannot be invoked as function");
            }
            receiver = EvalField(node, ident[i], receiver);
        }
        return receiver;
    }

    private object? EvalField(TemplateNode node, string name, object? receiver)
    {
        switch (receiver)
        {
            case null:
                throw Error(node, $"nil pointer evaluating interface {{}}.{name}");
            case TemplateStruct structure:
                if (structure.TryGet(name, out var value))
                    return value;
                throw Error(node, $"can't evaluate field {name} in type {structure.TypeName}");
            case TemplateMap map:
                // A missing key is Go's "no value".
                return map.Entries.TryGetValue(name, out var entry) ? entry : null;
            default:
                throw Error(node, $"can't evaluate field {name} in type {GoValue.TypeName(receiver)}");
        }
    }

    private object? EvalCall(object? dot, IdentifierNode identifier, TemplateNode commandNode, List<TemplateNode> args, object? final, bool hasFinal)
    {
        _at = identifier;
        var function = TemplateFunctions.All[identifier.Name];
        var argNodes = args.Skip(1).ToList();
        var count = argNodes.Count + (hasFinal ? 1 : 0);
        if (function.Variadic is null && count != function.Params.Count)
            throw Error(identifier, $"wrong number of args for {function.Name}: want {function.Params.Count} got {count}");
        if (function.Variadic is not null && count < function.Params.Count)
            throw Error(identifier, $"wrong number of args for {function.Name}: want at least {function.Params.Count} got {argNodes.Count}");

        if (function.Name is "and" or "or")
        {
            object? v = null;
            foreach (var arg in argNodes)
            {
                v = EvalArg(dot, ParamKind.Value, arg);
                if (GoValue.IsTrue(v) == (function.Name == "or"))
                    return v;
            }
            return hasFinal ? final : v;
        }

        var values = new object?[count];
        for (var i = 0; i < argNodes.Count; i++)
            values[i] = EvalArg(dot, KindAt(function, i), argNodes[i]);
        if (hasFinal)
            values[count - 1] = Validate(final, KindAt(function, count - 1));
        try
        {
            return function.Invoke(_context, values);
        }
        catch (TemplateFunctionException e)
        {
            throw Error(commandNode, $"error calling {function.Name}: {e.Message}");
        }
    }

    private static ParamKind KindAt(TemplateFunction function, int index) =>
        index < function.Params.Count ? function.Params[index] : function.Variadic!.Value;

    private object? EvalArg(object? dot, ParamKind kind, TemplateNode node)
    {
        _at = node;
        switch (node)
        {
            case NilNode:
                if (kind is ParamKind.Any or ParamKind.Map)
                    return null;
                throw Error(node, $"cannot assign nil to {TypeName(kind)}");
            case StringNode or BoolNode or NumberNode:
                return Literal(node, kind);
        }
        return Validate(EvalArgValue(dot, node), kind);
    }

    // Go's evalArg for constants: each parameter type accepts only its own kind of literal.
    private object? Literal(TemplateNode node, ParamKind kind)
    {
        switch (kind)
        {
            case ParamKind.Any or ParamKind.Value:
                return node switch
                {
                    StringNode s => s.Text,
                    BoolNode b => b.Value,
                    _ => IdealConstant((NumberNode)node),
                };
            case ParamKind.String:
                return node is StringNode text ? text.Text : throw Error(node, $"expected string; found {node}");
            case ParamKind.Int:
                return node is NumberNode { IsInt: true } number ? number.Int : throw Error(node, $"expected integer; found {node}");
            default:
                throw Error(node, $"can't handle {node} for arg of type {TypeName(kind)}");
        }
    }

    // Field, chain, variable, dot, parenthesised pipeline or a function call without arguments.
    private object? EvalArgValue(object? dot, TemplateNode node) => node switch
    {
        DotNode => dot,
        FieldNode field => EvalFieldChain(dot, field, dot, field.Ident, [field], null, false),
        ChainNode chain => EvalFieldChain(dot, chain, EvalArgValue(dot, chain.Node), chain.Field, [chain], null, false),
        VariableNode variable => EvalVariable(dot, variable, [variable], null, false),
        PipeNode pipe => EvalPipeline(dot, pipe),
        IdentifierNode identifier => EvalCall(dot, identifier, identifier, [identifier], null, false),
        NilNode => throw Error(node, "nil is not a command"),
        BoolNode b => b.Value,
        StringNode s => s.Text,
        NumberNode number => IdealConstant(number),
        _ => throw Error(node, $"can't handle {node} for arg"),
    };

    private object? Validate(object? value, ParamKind kind)
    {
        if (value is null)
        {
            return kind is ParamKind.Any or ParamKind.Map or ParamKind.Value
                ? null
                : throw Error($"invalid value; expected {TypeName(kind)}");
        }
        var ok = kind switch
        {
            ParamKind.Any or ParamKind.Value => true,
            ParamKind.String => value is string,
            ParamKind.Int => value is long,
            ParamKind.Map => value is TemplateMap { StringValued: false },
            _ => false,
        };
        if (!ok)
            throw Error($"wrong type for value; expected {TypeName(kind)}; got {GoValue.TypeName(value)}");
        return value;
    }

    private static string TypeName(ParamKind kind) => kind switch
    {
        ParamKind.String => "string",
        ParamKind.Int => "int",
        ParamKind.Map => "map[string]interface {}",
        ParamKind.Value => "reflect.Value",
        _ => "interface {}",
    };

    // Go's idealConstant: a number literal is a float64 when written as one, else an int.
    private object IdealConstant(NumberNode number)
    {
        if (number.IsChar)
            return number.Int;
        var text = number.Text.TrimStart('+', '-');
        var isHex = text.Length > 1 && text[0] == '0' && char.ToLowerInvariant(text[1]) == 'x';
        if (number.IsFloat && !isHex && text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) >= 0)
            return number.Float;
        if (number.IsInt)
            return number.Int;
        if (number.IsFloat)
            return number.Float;
        throw Error(number, $"{number.Text} overflows int");
    }

    private TemplateException Error(TemplateNode node, string message)
    {
        _at = node;
        return Error(message);
    }

    private TemplateException Error(string message)
    {
        var node = _at;
        var location = node switch
        {
            BranchNode branch => $"{{{{{branch.Kind.ToString().ToLowerInvariant()} {branch.Pipe}}}}}",
            ListNode or TextNode => "",
            _ => node.ToString(),
        };
        var before = _text[..Math.Min(node.Position, _text.Length)];
        var line = 1 + before.Count(c => c == '\n');
        var lineStart = before.LastIndexOf('\n') + 1;
        var column = Encoding.UTF8.GetByteCount(before.AsSpan(lineStart));
        var where = string.Create(CultureInfo.InvariantCulture, $"{_name}:{line}:{column}");
        return new TemplateException($"template: {where}: executing {GoFormat.Quote(_name)} at <{location}>: {message}", isParseError: false);
    }
}
