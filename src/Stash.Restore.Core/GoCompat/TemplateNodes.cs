namespace Stash.Restore.Core.GoCompat;

// The parse tree of Go's text/template (parse/node.go), limited to what hook templates use.
// Position is the UTF-16 offset of the node in the template text; ToString() is Go's node.String(),
// which Go quotes in execution errors ("executing \"x\" at <.Foo>").

/// <summary>A node of the parse tree.</summary>
internal abstract record TemplateNode(int Position);

/// <summary>A sequence of nodes: the template body or a branch of if/range/with.</summary>
internal sealed record ListNode(int Position, List<TemplateNode> Nodes) : TemplateNode(Position);

/// <summary>Plain text outside actions, already trimmed by any trim markers.</summary>
internal sealed record TextNode(int Position, string Text) : TemplateNode(Position);

/// <summary>A <c>{{ pipeline }}</c> whose value is printed unless it declares variables.</summary>
internal sealed record ActionNode(int Position, PipeNode Pipe) : TemplateNode(Position)
{
    public override string ToString() => $"{{{{{Pipe}}}}}";
}

/// <summary>The three branching actions.</summary>
internal enum BranchKind
{
    If,
    Range,
    With,
}

/// <summary><c>{{if}}</c>, <c>{{range}}</c> or <c>{{with}}</c> with its body and optional else body.</summary>
internal sealed record BranchNode(int Position, BranchKind Kind, PipeNode Pipe, ListNode List, ListNode? ElseList)
    : TemplateNode(Position);

/// <summary>Commands joined by <c>|</c>, optionally declaring (<c>:=</c>) or assigning (<c>=</c>) variables.</summary>
internal sealed record PipeNode(int Position, bool IsAssign, List<VariableNode> Decl, List<CommandNode> Cmds)
    : TemplateNode(Position)
{
    public override string ToString()
    {
        var decl = Decl.Count == 0 ? "" : string.Join(", ", Decl) + (IsAssign ? " = " : " := ");
        return decl + string.Join(" | ", Cmds);
    }
}

/// <summary>One stage of a pipeline: a function or value followed by arguments.</summary>
internal sealed record CommandNode(int Position, List<TemplateNode> Args) : TemplateNode(Position)
{
    public override string ToString() =>
        string.Join(" ", Args.Select(a => a is PipeNode ? $"({a})" : a.ToString()));
}

/// <summary>A function name.</summary>
internal sealed record IdentifierNode(int Position, string Name) : TemplateNode(Position)
{
    public override string ToString() => Name;
}

/// <summary><c>$x</c> or <c>$x.Field.Field</c>; <c>$</c> is the data passed to the template.</summary>
internal sealed record VariableNode(int Position, IReadOnlyList<string> Ident) : TemplateNode(Position)
{
    public override string ToString() => string.Join(".", Ident);
}

/// <summary><c>.</c>, the cursor.</summary>
internal sealed record DotNode(int Position) : TemplateNode(Position)
{
    public override string ToString() => ".";
}

/// <summary>The untyped <c>nil</c>.</summary>
internal sealed record NilNode(int Position) : TemplateNode(Position)
{
    public override string ToString() => "nil";
}

/// <summary><c>.Field.Field</c> on the cursor.</summary>
internal sealed record FieldNode(int Position, IReadOnlyList<string> Ident) : TemplateNode(Position)
{
    public override string ToString() => "." + string.Join(".", Ident);
}

/// <summary>Fields on a term that is not the cursor or a variable, e.g. <c>(dict "a" 1).a</c>.</summary>
internal sealed record ChainNode(int Position, TemplateNode Node, IReadOnlyList<string> Field) : TemplateNode(Position)
{
    public override string ToString() =>
        (Node is PipeNode ? $"({Node})" : Node.ToString()) + "." + string.Join(".", Field);
}

/// <summary><c>true</c> or <c>false</c>.</summary>
internal sealed record BoolNode(int Position, bool Value) : TemplateNode(Position)
{
    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A number or character constant, with the readings Go's parser found possible.</summary>
internal sealed record NumberNode(int Position, string Text, bool IsInt, long Int, bool IsFloat, double Float, bool IsChar)
    : TemplateNode(Position)
{
    public override string ToString() => Text;
}

/// <summary>A string constant; Quoted is the source spelling.</summary>
internal sealed record StringNode(int Position, string Quoted, string Text) : TemplateNode(Position)
{
    public override string ToString() => Quoted;
}
