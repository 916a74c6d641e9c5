using System.Text.Json;
using System.Text.Json.Nodes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// restic's <c>--include</c>/<c>--exclude</c> for a component: the <c>--include</c>/<c>--exclude</c>
/// flags the KubeStash Function passes (comma-separated; an empty value means unset), else the
/// restore task's <c>include</c>/<c>exclude</c> params. restic restore refuses include and exclude
/// patterns together ("mutually exclusive"), so a session that sets both is refused up front.
/// </summary>
internal sealed record RestoreFilters(IReadOnlyList<string> Include, IReadOnlyList<string> Exclude)
{
    public static RestoreFilters Resolve(string? includeFlag, string? excludeFlag, RestoreSession session)
    {
        var task = session.Spec.Addon?.Tasks?.FirstOrDefault(t => t.Name == KubeStashValidation.FileRestoreTask)
            ?? session.Spec.Addon?.Tasks?.FirstOrDefault();
        var (include, includeFrom) = CommaSeparated.Split(includeFlag) is { Count: > 0 } flagInclude ? (flagInclude, "--include") : (Param(task, "include"), "params.include");
        var (exclude, excludeFrom) = CommaSeparated.Split(excludeFlag) is { Count: > 0 } flagExclude ? (flagExclude, "--exclude") : (Param(task, "exclude"), "params.exclude");
        if (include.Count > 0 && exclude.Count > 0)
            throw new InvalidInputException(
                $"{session.Describe()}: both include ({includeFrom}) and exclude ({excludeFrom}) are set; restic restore takes one or the other (\"exclude and include patterns are mutually exclusive\")");
        return new RestoreFilters(include, exclude);
    }

    private static IReadOnlyList<string> Param(TaskReference? task, string name) => task?.Params?[name] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => CommaSeparated.Split(value.GetValue<string>()),
        // A YAML list is accepted too; validation has already refused any other type.
        JsonArray list => list.OfType<JsonValue>().SelectMany(v => CommaSeparated.Split(v.GetValue<string>())).ToList(),
        _ => [],
    };
}
