namespace Stash.Restore.Core;

/// <summary>The executor's documented exit codes (SPEC §3). Stable: operators alert on them.</summary>
internal static class ExitCodes
{
    /// <summary>Restored, or nothing to do for this host (no rule matched, already restored).</summary>
    public const int Success = 0;

    /// <summary>The restore failed (restic, a hook or the data); recorded in status.</summary>
    public const int RestoreFailed = 1;

    /// <summary>Invalid input: flags, a RestoreSession/Repository that fails validation, an unsupported backend.</summary>
    public const int InvalidInput = 2;

    /// <summary>A dependency is missing or unreachable: object not found, API server down, restic not found.</summary>
    public const int DependencyUnavailable = 3;

    public const int Interrupted = 130;
    public const int Terminated = 143;
}

/// <summary>A failure that ends the run with a one-line message and a documented exit code.</summary>
internal abstract class RestoreException(string message, Exception? inner = null) : Exception(message, inner)
{
    public abstract int ExitCode { get; }
}

/// <summary>Input that can never work as given (exit 2). Nothing has been written when it is thrown.</summary>
internal sealed class InvalidInputException(string message, Exception? inner = null) : RestoreException(message, inner)
{
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>Something the executor needs is missing or unreachable (exit 3).</summary>
internal sealed class DependencyUnavailableException(string message, Exception? inner = null) : RestoreException(message, inner)
{
    public override int ExitCode => ExitCodes.DependencyUnavailable;
}

/// <summary>The restore itself failed (exit 1): restic, a hook or the data.</summary>
internal sealed class RestoreFailedException(string message, Exception? inner = null) : RestoreException(message, inner)
{
    public override int ExitCode => ExitCodes.RestoreFailed;
}
