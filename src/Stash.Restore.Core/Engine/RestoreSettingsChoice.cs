using Stash.Restore.Core.Input;
using Stash.Restore.Core.Processes.Cgroups;
using Stash.Restore.Core.Restic;

namespace Stash.Restore.Core.Engine;

/// <summary>The run's <see cref="RestoreSettings"/> from the command line and the operator's environment.</summary>
internal static class RestoreSettingsChoice
{
    /// <param name="scratchDirectory">The family's choice (<see cref="ScratchDirectoryChoice"/>).</param>
    /// <param name="environment">
    /// Where the operator's nice/ionice overrides come from (<see cref="PriorityEnvironment"/>), and the Go
    /// runtime variables the pod sets itself (<see cref="GoRuntimeEnvironment.Inherited"/>).
    /// </param>
    /// <param name="container">The executor's cgroup limits (<see cref="CgroupFiles"/>); null or none leaves restic's Go runtime untouched.</param>
    public static RestoreSettings From(RestoreOptions options, string scratchDirectory, IReadOnlyDictionary<string, string> environment, ContainerLimits? container = null)
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
            StallTimeout = options.StallTimeout > TimeSpan.Zero ? options.StallTimeout : null,
            SkipSpaceCheck = options.SkipSpaceCheck,
            Preview = options.Preview,
            Container = container ?? ContainerLimits.None,
            InheritedGoVariables = GoRuntimeEnvironment.Inherited(environment),
        };
    }
}
