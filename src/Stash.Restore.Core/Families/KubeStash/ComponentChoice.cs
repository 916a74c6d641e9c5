namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// Which component of the Snapshot this run restores (one per run, SPEC §13): <c>--component</c>,
/// else env <c>COMPONENT_NAME</c>, else <c>KUBESTASH_COMPONENT_NAME</c>, else the only one
/// selected. Selected = <c>spec.dataSource.components</c>, or every component of the Snapshot when
/// that list is empty. Names are opaque (<c>dump</c>, <c>dump-pod-0</c>, <c>dump-&lt;node&gt;</c>).
/// </summary>
/// <param name="Name">The component.</param>
/// <param name="ChosenBy">For the log: <c>--component</c>, <c>COMPONENT_NAME</c>, <c>KUBESTASH_COMPONENT_NAME</c> or <c>the only selected component</c>.</param>
internal sealed record ComponentChoice(string Name, string ChosenBy)
{
    public const string FlagName = "--component";
    public const string EnvironmentName = "COMPONENT_NAME";
    public const string KubeStashEnvironmentName = "KUBESTASH_COMPONENT_NAME";

    /// <summary>Picks the component; empty values count as unset.</summary>
    /// <exception cref="InvalidInputException">
    /// The name is outside <c>spec.dataSource.components</c>, or several are selected and none is named
    /// (exit 2; the message lists the choices).
    /// </exception>
    public static ComponentChoice Choose(string? componentFlag, IReadOnlyDictionary<string, string> environment, RestoreSession session, Snapshot snapshot)
    {
        var listed = session.Spec.DataSource?.Components is { Count: > 0 } components ? components : null;
        var selected = listed ?? SnapshotComponents(snapshot);
        var named = Named(componentFlag, environment);
        if (named is { } choice)
        {
            // With an explicit list the name must be in it; with none, every name is "selected" and a
            // component the Snapshot lacks is reported as that (MissingFrom), so the operator sees it Failed.
            if (listed is not null && !listed.Contains(choice.Name, StringComparer.Ordinal))
                throw new InvalidInputException(
                    $"{session.Describe()}: component \"{choice.Name}\" (from {choice.ChosenBy}) is not in spec.dataSource.components (choices: {string.Join(", ", listed)})");
            return choice;
        }
        return selected.Count switch
        {
            1 => new ComponentChoice(selected[0], "the only selected component"),
            0 => throw new InvalidInputException($"{session.Describe()}: {snapshot.Describe()} has no components to restore"),
            _ => throw new InvalidInputException(
                $"{session.Describe()}: {selected.Count} components are selected ({string.Join(", ", selected)}); name one with {FlagName}, {EnvironmentName} or {KubeStashEnvironmentName}"),
        };
    }

    /// <summary>
    /// Null when <paramref name="snapshot"/> has this component; else the failure to record on it
    /// (exit 1): <c>component "dump-pod-3" not found in snapshot "&lt;name&gt;" (it has: dump-pod-0, dump-pod-1)</c>.
    /// </summary>
    public string? MissingFrom(Snapshot snapshot)
    {
        var has = SnapshotComponents(snapshot);
        return has.Contains(Name, StringComparer.Ordinal)
            ? null
            : $"component \"{Name}\" not found in snapshot \"{snapshot.Metadata.Name}\" (it has: {(has.Count == 0 ? "no components" : string.Join(", ", has))})";
    }

    private static ComponentChoice? Named(string? componentFlag, IReadOnlyDictionary<string, string> environment)
    {
        if (!string.IsNullOrWhiteSpace(componentFlag))
            return new ComponentChoice(componentFlag.Trim(), FlagName);
        foreach (var variable in new[] { EnvironmentName, KubeStashEnvironmentName })
        {
            if (environment.TryGetValue(variable, out var value) && !string.IsNullOrWhiteSpace(value))
                return new ComponentChoice(value.Trim(), variable);
        }
        return null;
    }

    private static List<string> SnapshotComponents(Snapshot snapshot) =>
        (snapshot.Status?.Components?.Keys ?? Enumerable.Empty<string>()).Order(StringComparer.Ordinal).ToList();
}
