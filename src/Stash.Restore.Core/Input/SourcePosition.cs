namespace Stash.Restore.Core.Input;

/// <summary>A 1-based line and column in a manifest file, as editors and compilers count them.</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}
