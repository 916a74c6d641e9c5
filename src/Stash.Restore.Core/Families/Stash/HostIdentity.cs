using System.Globalization;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Families.Stash;

/// <summary>
/// Which host this executor restores (SPEC §4): the name that rules' <c>targetHosts</c> and the
/// status entry use.
/// </summary>
internal static class HostIdentity
{
    public static string Resolve(RestoreTarget? target, PodIdentity pod, string? hostOverride)
    {
        if (!string.IsNullOrWhiteSpace(hostOverride))
            return hostOverride.Trim();

        var alias = string.IsNullOrWhiteSpace(target?.Alias) ? null : target.Alias.Trim();
        if (target?.VolumeClaimTemplates is { Count: > 0 })
        {
            if (target.Replicas is null)
                return alias ?? "host-0";
            var ordinal = ParseOrdinal(pod.PodOrdinal)
                ?? throw new InvalidInputException(
                    $"cannot work out the host: spec.target.volumeClaimTemplates with replicas needs POD_ORDINAL, got {Quote(pod.PodOrdinal)}");
            return Ordinal(alias, ordinal);
        }

        switch (target?.Ref?.Kind)
        {
            case "StatefulSet":
                var fromPod = ParseOrdinal(LastToken(pod.PodName)) ?? ParseOrdinal(LastToken(pod.OsHostName))
                    ?? throw new InvalidInputException(
                        $"cannot work out the StatefulSet ordinal: POD_NAME {Quote(pod.PodName)} and host name {Quote(pod.OsHostName)} do not end in -<number>");
                return Ordinal(alias, fromPod);
            case "DaemonSet":
                if (string.IsNullOrWhiteSpace(pod.NodeName))
                    throw new InvalidInputException("cannot work out the DaemonSet host: NODE_NAME is empty (set it from spec.nodeName through the downward API)");
                return alias is null ? pod.NodeName : $"{alias}-{pod.NodeName}";
            default:
                return alias ?? "host-0";
        }
    }

    private static string Ordinal(string? alias, int ordinal) =>
        $"{alias ?? "host"}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    private static string? LastToken(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return null;
        var dash = name.LastIndexOf('-');
        return dash < 0 ? null : name[(dash + 1)..];
    }

    private static int? ParseOrdinal(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : null;

    private static string Quote(string? value) => value is null ? "<unset>" : $"\"{value}\"";
}
