namespace Stash.Restore.Core.Input;

/// <summary>
/// One thing wrong with a manifest, in the manifest's own terms: the field's place
/// (<c>spec.hooks.postRestore</c>), what is wrong there, and where in the file when known.
/// </summary>
/// <param name="Path">The field's place; null for problems of the whole document (syntax, wrong kind).</param>
/// <param name="Text">What is wrong, without the place.</param>
/// <param name="Position">Line and column in the file; null for JSON bodies and whole-document problems.</param>
internal sealed record ManifestProblem(string? Path, string Text, SourcePosition? Position = null)
{
    /// <summary>The problem without its file position: <c>spec.target.replicas: expected an integer, got a string "two"</c>.</summary>
    public string Describe() => string.IsNullOrEmpty(Path) ? Text : $"{Path}: {Text}";

    /// <summary>
    /// <c>file:line:column: problem</c> when both are known (the form editors jump to),
    /// otherwise the problem alone.
    /// </summary>
    public string Render(string? file) =>
        file is not null && Position is { } at ? $"{file}:{at}: {Describe()}" : Describe();

    /// <summary>In the order a reader meets them in the file (a stable sort: problems without a position keep their order, first).</summary>
    public static List<ManifestProblem> InFileOrder(IEnumerable<ManifestProblem> problems) =>
        [.. problems.OrderBy(p => p.Position?.Line ?? 0).ThenBy(p => p.Position?.Column ?? 0)];

    /// <summary>Every problem on one line, separated by <c>; </c>, as exit-2 errors list them.</summary>
    public static string Join(IEnumerable<ManifestProblem> problems, string? file) =>
        string.Join("; ", problems.Select(p => p.Render(file)));
}
