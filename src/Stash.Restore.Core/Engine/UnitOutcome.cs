namespace Stash.Restore.Core.Engine;

/// <summary>How one executor run ended; the CLI turns it into an exit code.</summary>
/// <param name="Summary">What was restored, in words (files and bytes), or why nothing was.</param>
internal sealed record UnitOutcome(RestoreUnit Unit, string Phase, int ExitCode, string? Error, string Summary);
