using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// Whether a RestoreSession asks for mirror mode: the annotation <c>stash-restore/mirror: "true"</c>,
/// the same in both families (it travels with the manifest; the operators pass annotations through).
/// </summary>
internal static class MirrorMode
{
    public static bool IsRequested(IReadOnlyDictionary<string, string>? annotations) =>
        annotations?.GetValueOrDefault(ResticMirror.Annotation) is { } value && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A value that is neither "true" nor "false" — a typo must not silently restore without deleting.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string>? annotations) =>
        annotations?.GetValueOrDefault(ResticMirror.Annotation) is { } value
        && !string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase)
            ? $"metadata.annotations[\"{ResticMirror.Annotation}\"]: \"{value}\" is not \"true\" or \"false\""
            : null;
}
