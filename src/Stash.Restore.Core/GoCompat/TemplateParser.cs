using System.Globalization;

namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Go's text/template parser (parse/parse.go, Go 1.19) for one template without <c>define</c>,
/// <c>template</c>, <c>block</c>, <c>break</c> or <c>continue</c>. Like Go it rejects unknown functions
/// and undefined variables while parsing, with Go's messages (<c>template: x:1: unexpected EOF</c>).
/// </summary>
internal sealed class TemplateParser
{
    private readonly string _name;
    private readonly List<TemplateToken> _tokens;
    private readonly IReadOnlySet<string> _functions;
    private readonly List<string> _vars = ["$"];
    private int _index;
    private int _furthest;
    private int _actionLine;

    private TemplateParser(string name, string text, IReadOnlySet<string> functions)
    {
        _name = name;
        _tokens = TemplateLexer.Lex(text);
        _functions = functions;
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="name"/> appears in error messages.</summary>
    /// <exception cref="TemplateException">The text is not a valid template (<see cref="TemplateException.IsParseError"/>).</exception>
    public static ListNode Parse(string name, string text, IReadOnlySet<string> functions) =>
        new TemplateParser(name, text, functions).ParseRoot();

    private ListNode ParseRoot()
    {
        var root = new ListNode(0, []);
        while (Peek().Kind != TokenKind.Eof)
        {
            var node = TextOrAction();
            if (node is EndNode or ElseNode)
                throw Error($"unexpected {node}");
            root.Nodes.Add(node);
        }
        return root;
    }

    private TemplateNode TextOrAction()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Text:
                return new TextNode(token.Position, token.Text);
            case TokenKind.LeftDelim:
                _actionLine = token.Line;
                try
                {
                    return Action();
                }
                finally
                {
                    _actionLine = 0;
                }
            default:
                throw Unexpected(token, "input");
        }
    }

    private TemplateNode Action()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Else:
                return ElseControl(token);
            case TokenKind.End:
                Expect(TokenKind.RightDelim, "end");
                return new EndNode(token.Position);
            case TokenKind.If:
                return Control(BranchKind.If, token.Position, allowElseIf: true);
            case TokenKind.Range:
                return Control(BranchKind.Range, token.Position, allowElseIf: false);
            case TokenKind.With:
                return Control(BranchKind.With, token.Position, allowElseIf: false);
            case TokenKind.Block or TokenKind.Break or TokenKind.Continue or TokenKind.Define or TokenKind.Template:
                throw Error($"{{{{{token.Text}}}}} is not supported in hook templates");
        }
        Backup();
        var start = Peek();
        return new ActionNode(start.Position, Pipeline("command", TokenKind.RightDelim));
    }

    private TemplateNode ElseControl(TemplateToken elseToken)
    {
        // "{{else if ...}}" is kept for the enclosing if to read as a nested if.
        var peek = PeekNonSpace();
        if (peek.Kind == TokenKind.If)
            return new ElseNode(peek.Position, ElseIf: true);
        Expect(TokenKind.RightDelim, "else");
        return new ElseNode(elseToken.Position, ElseIf: false);
    }

    private BranchNode Control(BranchKind kind, int position, bool allowElseIf)
    {
        var context = kind.ToString().ToLowerInvariant();
        var depth = _vars.Count;
        try
        {
            var pipe = Pipeline(context, TokenKind.RightDelim);
            var (list, next) = ItemList();
            ListNode? elseList = null;
            if (next is ElseNode elseNode)
            {
                if (allowElseIf && Peek().Kind == TokenKind.If)
                {
                    Next();
                    elseList = new ListNode(elseNode.Position, [Control(BranchKind.If, elseNode.Position, allowElseIf: true)]);
                }
                else
                {
                    (elseList, next) = ItemList();
                    if (next is not EndNode)
                        throw Error($"expected end; found {next}");
                }
            }
            return new BranchNode(position, kind, pipe, list, elseList);
        }
        finally
        {
            _vars.RemoveRange(depth, _vars.Count - depth);
        }
    }

    private (ListNode List, TemplateNode Next) ItemList()
    {
        var list = new ListNode(PeekNonSpace().Position, []);
        while (PeekNonSpace().Kind != TokenKind.Eof)
        {
            var node = TextOrAction();
            if (node is EndNode or ElseNode)
                return (list, node);
            list.Nodes.Add(node);
        }
        throw Error("unexpected EOF");
    }

    private PipeNode Pipeline(string context, TokenKind end)
    {
        var pipe = new PipeNode(PeekNonSpace().Position, false, [], []);
        while (PeekNonSpace() is { Kind: TokenKind.Variable } v)
        {
            var variableIndex = _index;
            Next();
            var tokenAfterVariable = Peek();
            var next = PeekNonSpace();
            if (next.Kind is TokenKind.Assign or TokenKind.Declare)
            {
                pipe = pipe with { IsAssign = next.Kind == TokenKind.Assign };
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Position, [v.Text]));
                _vars.Add(v.Text);
            }
            else if (next.Kind == TokenKind.Char && next.Text == ",")
            {
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Position, [v.Text]));
                _vars.Add(v.Text);
                if (context == "range" && pipe.Decl.Count < 2)
                {
                    if (PeekNonSpace().Kind is TokenKind.Variable or TokenKind.RightDelim or TokenKind.RightParen)
                        continue;
                    throw Error("range can only initialize variables");
                }
                throw Error($"too many declarations in {context}");
            }
            else
            {
                // "$x foo": the variable is an operand, not a declaration; read it again as one.
                _ = tokenAfterVariable;
                _index = variableIndex;
            }
            break;
        }
        while (true)
        {
            var token = NextNonSpace();
            if (token.Kind == end)
            {
                CheckPipeline(pipe, context);
                return pipe;
            }
            switch (token.Kind)
            {
                case TokenKind.Bool or TokenKind.CharConstant or TokenKind.Dot or TokenKind.Field or TokenKind.Identifier
                    or TokenKind.Number or TokenKind.Nil or TokenKind.RawString or TokenKind.String or TokenKind.Variable
                    or TokenKind.LeftParen:
                    Backup();
                    pipe.Cmds.Add(Command());
                    break;
                default:
                    throw Unexpected(token, context);
            }
        }
    }

    private void CheckPipeline(PipeNode pipe, string context)
    {
        if (pipe.Cmds.Count == 0)
            throw Error($"missing value for {context}");
        for (var i = 1; i < pipe.Cmds.Count; i++)
        {
            if (pipe.Cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
                throw Error($"non executable command in pipeline stage {i + 1}");
        }
    }

    private CommandNode Command()
    {
        var command = new CommandNode(PeekNonSpace().Position, []);
        while (true)
        {
            PeekNonSpace();
            if (Operand() is { } operand)
                command.Args.Add(operand);
            var token = Next();
            if (token.Kind == TokenKind.Space)
                continue;
            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen)
                Backup();
            else if (token.Kind != TokenKind.Pipe)
                throw Unexpected(token, "operand");
            break;
        }
        if (command.Args.Count == 0)
            throw Error("empty command");
        return command;
    }

    private TemplateNode? Operand()
    {
        var node = Term();
        if (node is null || Peek().Kind != TokenKind.Field)
            return node;
        var position = Peek().Position;
        var fields = new List<string>();
        while (Peek().Kind == TokenKind.Field)
            fields.Add(Next().Text[1..]);
        return node switch
        {
            FieldNode field => new FieldNode(position, [.. field.Ident, .. fields]),
            VariableNode variable => new VariableNode(position, [.. variable.Ident, .. fields]),
            BoolNode or StringNode or NumberNode or NilNode or DotNode =>
                throw Error($"unexpected . after term {GoFormat.Quote(node.ToString()!)}"),
            _ => new ChainNode(position, node, fields),
        };
    }

    private TemplateNode? Term()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                if (!_functions.Contains(token.Text))
                    throw Error($"function {GoFormat.Quote(token.Text)} not defined");
                return new IdentifierNode(token.Position, token.Text);
            case TokenKind.Dot:
                return new DotNode(token.Position);
            case TokenKind.Nil:
                return new NilNode(token.Position);
            case TokenKind.Variable:
                if (!_vars.Contains(token.Text))
                    throw Error($"undefined variable {GoFormat.Quote(token.Text)}");
                return new VariableNode(token.Position, [token.Text]);
            case TokenKind.Field:
                return new FieldNode(token.Position, [token.Text[1..]]);
            case TokenKind.Bool:
                return new BoolNode(token.Position, token.Text == "true");
            case TokenKind.CharConstant or TokenKind.Number:
                return Number(token);
            case TokenKind.LeftParen:
                return Pipeline("parenthesized pipeline", TokenKind.RightParen);
            case TokenKind.String or TokenKind.RawString:
                var text = GoFormat.Unquote(token.Text) ?? throw Error("invalid syntax");
                return new StringNode(token.Position, token.Text, text);
        }
        Backup();
        return null;
    }

    private NumberNode Number(TemplateToken token)
    {
        var text = token.Text;
        if (token.Kind == TokenKind.CharConstant)
        {
            var value = GoFormat.UnquoteChar(text) ?? throw Error("invalid syntax");
            return new NumberNode(token.Position, text, true, value, true, value, IsChar: true);
        }
        if (text.EndsWith('i'))
            throw Error($"complex constant {text} is not supported in hook templates");
        var isInt = GoNumber.TryParseInt(text, out var integer);
        var isFloat = GoNumber.TryParseFloat(text, out var real);
        if (isFloat && !isInt && real == Math.Floor(real) && real >= long.MinValue && real < 9.2233720368547758E+18)
        {
            isInt = true;
            integer = (long)real;
        }
        if (!isInt && !isFloat)
            throw Error($"illegal number syntax: {GoFormat.Quote(text)}");
        return new NumberNode(token.Position, text, isInt, integer, isFloat, isFloat ? real : integer, IsChar: false);
    }

    private TemplateToken Next()
    {
        // Past the end the last token (EOF or an error) repeats; the index still moves so Backup stays exact.
        var token = _tokens[Math.Min(_index, _tokens.Count - 1)];
        _furthest = Math.Max(_furthest, Math.Min(_index, _tokens.Count - 1));
        _index++;
        return token;
    }

    private void Backup() => _index--;

    private TemplateToken Peek()
    {
        var token = Next();
        Backup();
        return token;
    }

    private TemplateToken NextNonSpace()
    {
        TemplateToken token;
        do
        {
            token = Next();
        }
        while (token.Kind == TokenKind.Space);
        return token;
    }

    private TemplateToken PeekNonSpace()
    {
        var token = NextNonSpace();
        Backup();
        return token;
    }

    private void Expect(TokenKind expected, string context)
    {
        var token = NextNonSpace();
        if (token.Kind != expected)
            throw Unexpected(token, context);
    }

    private TemplateException Unexpected(TemplateToken token, string context)
    {
        if (token.Kind == TokenKind.Error)
        {
            var extra = "";
            if (_actionLine != 0 && _actionLine != token.Line)
            {
                extra = $" in action started at {_name}:{_actionLine}";
                if (token.Text.EndsWith(" action", StringComparison.Ordinal))
                    extra = extra[" in action".Length..];
            }
            return Error(token.Text + extra);
        }
        return Error($"unexpected {token} in {context}");
    }

    private TemplateException Error(string message) =>
        new($"template: {_name}:{_tokens[Math.Min(_furthest, _tokens.Count - 1)].Line.ToString(CultureInfo.InvariantCulture)}: {message}", isParseError: true);

    /// <summary>Parser-only marker for <c>{{end}}</c>.</summary>
    private sealed record EndNode(int Position) : TemplateNode(Position)
    {
        public override string ToString() => "{{end}}";
    }

    /// <summary>Parser-only marker for <c>{{else}}</c> (or the <c>else</c> of <c>{{else if}}</c>).</summary>
    private sealed record ElseNode(int Position, bool ElseIf) : TemplateNode(Position)
    {
        public override string ToString() => "{{else}}";
    }
}
