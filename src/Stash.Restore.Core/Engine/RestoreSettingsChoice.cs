using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Engine;

/// <summary>The run's <see cref="RestoreSettings"/> from the command line and the operator's environment.</summary>
internal static class RestoreSettingsChoice
{
    /// <param name="scratchDirectory">The family's choice (<see cref="ScratchDirectoryChoice"/>).</param>
    /// <param name="environment">Where the operator's nice/ionice overrides come from (<see cref="PriorityEnvironment"/>).</param>
    public static RestoreSettings From(RestoreOptions options, string scratchDirectory, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RestoreSettings(
            TargetDirectory: Path.GetFullPath(options.TargetDir ?? "/"),
            ScratchDirectory: scratchDirectory,
            EnableCache: options.EnableCache,
            MaxConnections: options.MaxConnections > 0 ? options.MaxConnections : null,
            Verify: options.Verify,
            PriorityOverride: PriorityEnvironment.Read(environment),
            FailOnMetadataErrors: options.FailOnMetadataErrors)
        {
            // Zero (and, defensively, a negative value) leaves restic to its own retries.
            RepositoryTimeout = options.RepositoryTimeout > TimeSpan.Zero ? options.RepositoryTimeout : null,
            Preview = options.Preview,
        };
    }
}
