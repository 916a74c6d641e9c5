namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// A Go template that cannot be parsed or executed. The message is Go's own form, e.g.
/// <c>template: httpPost.body:1: unexpected EOF</c>, so it can be compared with Go's output.
/// </summary>
internal sealed class TemplateException(string message, bool isParseError) : Exception(message)
{
    /// <summary>True when the template text itself is wrong (found before any data is seen).</summary>
    public bool IsParseError { get; } = isParseError;
}
