namespace Stash.Restore.Core.GoCompat;

/// <summary>The kinds of token Go's text/template lexer emits (parse/lex.go), less those hooks never need.</summary>
internal enum TokenKind
{
    Error,
    Eof,
    Text,
    LeftDelim,
    RightDelim,
    Space,
    Bool,
    Char,
    CharConstant,
    Assign,
    Declare,
    Field,
    Identifier,
    LeftParen,
    RightParen,
    Number,
    Pipe,
    RawString,
    String,
    Variable,
    Dot,
    // Keywords.
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

/// <summary>One lexed token: its kind, text, UTF-16 offset into the template and 1-based line.</summary>
internal readonly record struct TemplateToken(TokenKind Kind, string Text, int Position, int Line)
{
    /// <summary>Go's item.String(), used in "unexpected X in Y" messages.</summary>
    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "EOF",
        TokenKind.Error => Text,
        >= TokenKind.Block => $"<{Text}>",
        _ => Text.Length > 10 ? GoFormat.Quote(Text[..10]) + "..." : GoFormat.Quote(Text),
    };
}
