namespace Stash.Restore.Core.Processes;

/// <summary>
/// What to start: an argv list (never a joined string, never through a shell) and the
/// environment variables to set on top of the executor's own environment.
/// </summary>
/// <param name="FileName">Program to run (absolute path or a name looked up on PATH).</param>
/// <param name="Arguments">argv[1..], passed one by one.</param>
/// <param name="Environment">Variables to set for the child; a null value removes an inherited one.</param>
/// <param name="WorkingDirectory">Working directory, or null for the executor's.</param>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string?> Environment,
    string? WorkingDirectory = null)
{
    /// <summary>Applied to the child only (restic), never to the executor or hooks.</summary>
    public ProcessPriority? Priority { get; init; }

    /// <summary>
    /// Added to the child's <c>oom_score_adj</c> (inherited from the executor; at most 1000) right after
    /// it starts, so the kernel's OOM killer picks it before the executor; null leaves it as inherited.
    /// </summary>
    public int? OomScoreRaise { get; init; }

    /// <summary>
    /// How long a stop may take, SIGINT to SIGKILL: three quarters for SIGINT, the rest for SIGTERM, then
    /// SIGKILL. Null keeps the runner's own graces.
    /// </summary>
    public TimeSpan? StopWithin { get; init; }
}

/// <summary>nice adjustment and ionice class/classData for a child process.</summary>
internal sealed record ProcessPriority(int? NiceAdjustment, int? IoClass, int? IoClassData);

internal enum OutputStream
{
    StandardOutput,
    StandardError,
}

/// <summary>How a child ended. <see cref="Signal"/> is set when it was killed by a signal.</summary>
internal sealed record ProcessResult(int ExitCode, int? Signal, TimeSpan Elapsed, bool WasCancelled);

/// <summary>
/// The one seam through which the executor starts programs (restic, exec hooks).
/// Tests replace it to assert argv and environment without starting anything.
/// </summary>
internal interface IProcessRunner
{
    /// <summary>
    /// Runs the program to completion, delivering each stdout/stderr line as it arrives.
    /// Cancellation escalates SIGINT → SIGTERM → SIGKILL and still returns the result.
    /// </summary>
    Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken);
}
