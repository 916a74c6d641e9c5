using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// Stash and KubeStash operators pass the container's nice/ionice settings as environment variables
/// too (<c>NICE_ADJUSTMENT</c>, <c>IONICE_CLASS</c>, <c>IONICE_CLASS_DATA</c>); when set, they win over
/// the session's own runtime settings.
/// </summary>
internal static class PriorityEnvironment
{
    public static ProcessPriority? Read(IReadOnlyDictionary<string, string> environment)
    {
        var nice = Number(environment, "NICE_ADJUSTMENT");
        var ioClass = Number(environment, "IONICE_CLASS");
        var ioClassData = Number(environment, "IONICE_CLASS_DATA");
        return nice is null && ioClass is null && ioClassData is null ? null : new ProcessPriority(nice, ioClass, ioClassData);
    }

    private static int? Number(IReadOnlyDictionary<string, string> environment, string name)
    {
        if (!environment.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            return null;
        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidInputException($"environment variable {name}=\"{text}\" is not a whole number");
    }
}
