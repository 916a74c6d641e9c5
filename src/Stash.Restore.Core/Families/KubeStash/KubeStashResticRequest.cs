using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Families.KubeStash;

/// <summary>
/// A component's restore in restic's neutral terms: its location, the backend credentials with
/// <c>RESTIC_PASSWORD</c> from the encryption Secret, one <c>restic restore &lt;id&gt;</c> per
/// resticStats entry, and the include/exclude filters.
/// </summary>
internal static class KubeStashResticRequest
{
    /// <param name="location">From <see cref="DataSourceLocation.ForComponent"/>.</param>
    /// <param name="credentials">The BackupStorage's credentials Secret data; empty for <c>local</c>.</param>
    /// <param name="encryptionSecret">Which Secret holds the password, for messages.</param>
    /// <param name="encryptionData">That Secret's data.</param>
    /// <param name="component">The component's restic snapshots.</param>
    /// <param name="filters">The component's include/exclude.</param>
    /// <exception cref="InvalidInputException">The encryption Secret has no <c>RESTIC_PASSWORD</c>.</exception>
    public static ResticRestoreRequest Build(
        BackendLocation location,
        IReadOnlyDictionary<string, string> credentials,
        SecretReference encryptionSecret,
        IReadOnlyDictionary<string, string> encryptionData,
        ComponentSnapshots component,
        RestoreFilters filters)
    {
        if (!encryptionData.TryGetValue(ResticBackends.PasswordKey, out var password) || string.IsNullOrEmpty(password))
            throw new InvalidInputException($"{encryptionSecret} ({encryptionSecret.Purpose}) has no key {ResticBackends.PasswordKey}");
        // The encryption Secret's password wins over one a credentials Secret might also carry.
        var secret = new Dictionary<string, string>(credentials, StringComparer.Ordinal) { [ResticBackends.PasswordKey] = password };
        var selections = component.Snapshots
            .Select(s => ResticSelection.Snapshot(s.Id, $"snapshot {s.Id} of component {component.Component}{(string.IsNullOrEmpty(s.HostPath) ? "" : $" ({s.HostPath})")}"))
            .ToList();
        return new ResticRestoreRequest(location, secret, selections, filters.Include, filters.Exclude);
    }
}
