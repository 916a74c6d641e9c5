namespace Stash.Restore.Core.Input;

/// <summary>
/// What reading one manifest gave: the typed object (with misfit fields left out, so the rest can
/// still be validated), every problem found, and the parsed document for positions.
/// </summary>
/// <param name="Value">Null when the text is not even the expected kind of object.</param>
internal sealed record ObjectLoad<T>(T? Value, IReadOnlyList<ManifestProblem> Problems, ObjectDocument? Document)
    where T : class
{
    /// <summary>A validator's message (<c>spec.target.rules[1]: …</c>) as a problem at its field's line.</summary>
    public ManifestProblem Locate(string message) =>
        new(null, TextShortening.OneLineQuotes(message), Document?.PositionOf(ManifestPath.LeadingPlace(message)));
}
