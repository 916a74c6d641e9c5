namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// Go's text/template lexer (parse/lex.go, Go 1.19) with the default <c>{{ }}</c> delimiters:
/// text, trim markers, comments and the tokens inside actions. Stops at the first error token.
/// </summary>
internal sealed class TemplateLexer
{
    private const string LeftDelim = "{{";
    private const string RightDelim = "}}";
    private const string LeftComment = "/*";
    private const string RightComment = "*/";
    // "- " after "{{" and " -" before "}}"; the space may be any of Go's four space characters.
    private const int TrimMarkerLength = 2;

    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.Ordinal)
    {
        ["."] = TokenKind.Dot,
        ["block"] = TokenKind.Block,
        ["break"] = TokenKind.Break,
        ["continue"] = TokenKind.Continue,
        ["define"] = TokenKind.Define,
        ["else"] = TokenKind.Else,
        ["end"] = TokenKind.End,
        ["if"] = TokenKind.If,
        ["range"] = TokenKind.Range,
        ["nil"] = TokenKind.Nil,
        ["template"] = TokenKind.Template,
        ["with"] = TokenKind.With,
    };

    private readonly string _input;
    private readonly List<TemplateToken> _tokens = [];
    private int _start;
    private int _pos;
    private int _line = 1;
    private int _startLine = 1;
    private int _parenDepth;

    private TemplateLexer(string input) => _input = input;

    /// <summary>All tokens of <paramref name="input"/>, ending with <see cref="TokenKind.Eof"/> or an error token.</summary>
    public static List<TemplateToken> Lex(string input)
    {
        var lexer = new TemplateLexer(input);
        lexer.Run();
        return lexer._tokens;
    }

    // Go's lexer is a chain of state functions; a loop over named states keeps the stack flat.
    private enum State
    {
        Text,
        LeftDelim,
        Comment,
        InsideAction,
        RightDelim,
        Done,
    }

    private void Run()
    {
        var state = State.Text;
        while (state != State.Done)
        {
            state = state switch
            {
                State.Text => LexText(),
                State.LeftDelim => LexLeftDelim(),
                State.Comment => LexComment(),
                State.InsideAction => LexInsideAction(),
                _ => LexRightDelim(),
            };
        }
    }

    private State LexText()
    {
        while (true)
        {
            var x = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
            if (x < 0)
                break;
            var trimLength = 0;
            var afterDelim = x + LeftDelim.Length;
            if (HasLeftTrimMarker(afterDelim))
                trimLength = RightTrimLength(_input.AsSpan(_start, x - _start));
            _pos = x;
            var textEnd = x - trimLength;
            if (textEnd > _start)
            {
                CountLines(_start, textEnd);
                Emit(TokenKind.Text, _start, textEnd);
            }
            CountLines(textEnd, x);
            Ignore();
            return State.LeftDelim;
        }
        _pos = _input.Length;
        if (_pos > _start)
        {
            CountLines(_start, _pos);
            Emit(TokenKind.Text, _start, _pos);
        }
        Emit(TokenKind.Eof, _pos, _pos);
        return State.Done;
    }

    private State LexLeftDelim()
    {
        _pos += LeftDelim.Length;
        var trimSpace = HasLeftTrimMarker(_pos);
        var afterMarker = trimSpace ? TrimMarkerLength : 0;
        if (At(_pos + afterMarker, LeftComment))
        {
            _pos += afterMarker;
            Ignore();
            return State.Comment;
        }
        Emit(TokenKind.LeftDelim, _start, _pos);
        _pos += afterMarker;
        Ignore();
        _parenDepth = 0;
        return State.InsideAction;
    }

    private State LexComment()
    {
        _pos += LeftComment.Length;
        var x = _input.IndexOf(RightComment, _pos, StringComparison.Ordinal);
        if (x < 0)
            return Fail("unclosed comment");
        CountLines(_pos, x);
        _pos = x + RightComment.Length;
        var (delim, trimSpace) = AtRightDelim();
        if (!delim)
            return Fail("comment ends before closing delimiter");
        if (trimSpace)
            _pos += TrimMarkerLength;
        _pos += RightDelim.Length;
        if (trimSpace)
            SkipTrailingSpace();
        Ignore();
        return State.Text;
    }

    private State LexRightDelim()
    {
        var (_, trimSpace) = AtRightDelim();
        if (trimSpace)
        {
            _pos += TrimMarkerLength;
            Ignore();
        }
        _pos += RightDelim.Length;
        Emit(TokenKind.RightDelim, _start, _pos);
        if (trimSpace)
        {
            SkipTrailingSpace();
            Ignore();
        }
        return State.Text;
    }

    private State LexInsideAction()
    {
        while (true)
        {
            var (delim, _) = AtRightDelim();
            if (delim)
            {
                if (_parenDepth == 0)
                    return State.RightDelim;
                return Fail("unclosed left paren");
            }
            if (_pos >= _input.Length)
                return Fail("unclosed action");
            var r = _input[_pos++];
            switch (r)
            {
                case var _ when IsSpace(r):
                    _pos--;
                    if (!LexSpace())
                        continue;
                    break;
                case '=':
                    Emit(TokenKind.Assign, _start, _pos);
                    break;
                case ':':
                    if (_pos >= _input.Length || _input[_pos] != '=')
                        return Fail("expected :=");
                    _pos++;
                    Emit(TokenKind.Declare, _start, _pos);
                    break;
                case '|':
                    Emit(TokenKind.Pipe, _start, _pos);
                    break;
                case '"':
                    if (!LexQuote('"', TokenKind.String, "unterminated quoted string"))
                        return State.Done;
                    break;
                case '\'':
                    if (!LexQuote('\'', TokenKind.CharConstant, "unterminated character constant"))
                        return State.Done;
                    break;
                case '`':
                    if (!LexRawQuote())
                        return State.Done;
                    break;
                case '$':
                    if (!LexFieldOrVariable(TokenKind.Variable))
                        return State.Done;
                    break;
                case '.' when _pos < _input.Length && !char.IsAsciiDigit(_input[_pos]):
                    if (!LexFieldOrVariable(TokenKind.Field))
                        return State.Done;
                    break;
                case '.' or '+' or '-' or (>= '0' and <= '9'):
                    _pos--;
                    if (!LexNumber())
                        return State.Done;
                    break;
                case var _ when IsAlphaNumeric(r):
                    _pos--;
                    if (!LexIdentifier())
                        return State.Done;
                    break;
                case '(':
                    Emit(TokenKind.LeftParen, _start, _pos);
                    _parenDepth++;
                    break;
                case ')':
                    Emit(TokenKind.RightParen, _start, _pos);
                    _parenDepth--;
                    if (_parenDepth < 0)
                        return Fail($"unexpected right paren {GoFormat.RuneName(r)}");
                    break;
                case var _ when r <= 0x7f && r >= 0x20 && r != 0x7f:
                    Emit(TokenKind.Char, _start, _pos);
                    break;
                default:
                    return Fail($"unrecognized character in action: {GoFormat.RuneName(r)}");
            }
        }
    }

    /// <summary>Spaces inside an action; false when the space belongs to a " -}}" and was not emitted.</summary>
    private bool LexSpace()
    {
        var numSpaces = 0;
        while (_pos < _input.Length && IsSpace(_input[_pos]))
        {
            _pos++;
            numSpaces++;
        }
        if (HasRightTrimMarker(_pos - 1) && At(_pos - 1 + TrimMarkerLength, RightDelim))
        {
            _pos--;
            if (numSpaces == 1)
                return false;
        }
        CountLines(_start, _pos);
        Emit(TokenKind.Space, _start, _pos);
        return true;
    }

    private bool LexIdentifier()
    {
        while (_pos < _input.Length && IsAlphaNumeric(_input[_pos]))
            _pos++;
        if (!AtTerminator())
            return Error($"bad character {GoFormat.RuneName(_input[_pos])}");
        var word = _input[_start.._pos];
        if (Keywords.TryGetValue(word, out var keyword) && keyword > TokenKind.Dot)
            Emit(keyword, _start, _pos);
        else if (word is "true" or "false")
            Emit(TokenKind.Bool, _start, _pos);
        else
            Emit(TokenKind.Identifier, _start, _pos);
        return true;
    }

    private bool LexFieldOrVariable(TokenKind kind)
    {
        if (AtTerminator())
        {
            Emit(kind == TokenKind.Variable ? TokenKind.Variable : TokenKind.Dot, _start, _pos);
            return true;
        }
        while (_pos < _input.Length && IsAlphaNumeric(_input[_pos]))
            _pos++;
        if (!AtTerminator())
            return Error($"bad character {GoFormat.RuneName(_input[_pos])}");
        Emit(kind, _start, _pos);
        return true;
    }

    private bool AtTerminator()
    {
        if (_pos >= _input.Length)
            return true;
        var r = _input[_pos];
        // '}' is the first character of the right delimiter.
        return IsSpace(r) || r is '.' or ',' or '|' or ':' or ')' or '(' or '}';
    }

    private bool LexQuote(char quote, TokenKind kind, string unterminated)
    {
        while (true)
        {
            if (_pos >= _input.Length)
                return Error(unterminated);
            var r = _input[_pos++];
            if (r == '\\')
            {
                if (_pos < _input.Length && _input[_pos] != '\n')
                {
                    _pos++;
                    continue;
                }
                return Error(unterminated);
            }
            if (r == '\n')
                return Error(unterminated);
            if (r == quote)
                break;
        }
        Emit(kind, _start, _pos);
        return true;
    }

    private bool LexRawQuote()
    {
        var end = _input.IndexOf('`', _pos);
        if (end < 0)
            return Error("unterminated raw quoted string");
        _pos = end + 1;
        CountLines(_start, _pos);
        Emit(TokenKind.RawString, _start, _pos);
        return true;
    }

    private bool LexNumber()
    {
        if (!ScanNumber())
            return Error($"bad number syntax: {GoFormat.Quote(_input[_start.._pos])}");
        Emit(TokenKind.Number, _start, _pos);
        return true;
    }

    private bool ScanNumber()
    {
        Accept("+-");
        var digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX"))
                digits = "0123456789abcdefABCDEF_";
            else if (Accept("oO"))
                digits = "01234567_";
            else if (Accept("bB"))
                digits = "01_";
        }
        AcceptRun(digits);
        if (Accept("."))
            AcceptRun(digits);
        if (digits.Length == 11 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        if (digits.Length == 23 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }
        Accept("i");
        if (_pos < _input.Length && IsAlphaNumeric(_input[_pos]))
        {
            _pos++;
            return false;
        }
        return true;
    }

    private bool Accept(string valid)
    {
        if (_pos < _input.Length && valid.Contains(_input[_pos], StringComparison.Ordinal))
        {
            _pos++;
            return true;
        }
        return false;
    }

    private void AcceptRun(string valid)
    {
        while (Accept(valid))
        {
        }
    }

    private (bool Delim, bool TrimSpace) AtRightDelim()
    {
        if (HasRightTrimMarker(_pos) && At(_pos + TrimMarkerLength, RightDelim))
            return (true, true);
        return (At(_pos, RightDelim), false);
    }

    private bool HasLeftTrimMarker(int at) =>
        at + 1 < _input.Length && _input[at] == '-' && IsSpace(_input[at + 1]);

    private bool HasRightTrimMarker(int at) =>
        at >= 0 && at + 1 < _input.Length && IsSpace(_input[at]) && _input[at + 1] == '-';

    private bool At(int at, string text) =>
        at >= 0 && at + text.Length <= _input.Length && string.CompareOrdinal(_input, at, text, 0, text.Length) == 0;

    private void SkipTrailingSpace()
    {
        var from = _pos;
        while (_pos < _input.Length && IsSpace(_input[_pos]))
            _pos++;
        CountLines(from, _pos);
    }

    private static int RightTrimLength(ReadOnlySpan<char> text) => text.Length - text.TrimEnd(" \t\r\n").Length;

    private void CountLines(int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (_input[i] == '\n')
                _line++;
        }
    }

    private void Emit(TokenKind kind, int from, int to)
    {
        _tokens.Add(new TemplateToken(kind, _input[from..to], from, _startLine));
        _start = _pos;
        _startLine = _line;
    }

    private void Ignore()
    {
        _start = _pos;
        _startLine = _line;
    }

    private bool Error(string message)
    {
        _tokens.Add(new TemplateToken(TokenKind.Error, message, _start, _startLine));
        return false;
    }

    private State Fail(string message)
    {
        Error(message);
        return State.Done;
    }

    internal static bool IsSpace(char r) => r is ' ' or '\t' or '\r' or '\n';

    private static bool IsAlphaNumeric(char r) => r == '_' || char.IsLetterOrDigit(r);
}
