using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Engine;

/// <summary>
/// A unit's final status entry could not be written: the one line names the outcome that was not
/// recorded, how long the write was tried, the API's (or the status file's) error and whether the
/// restored data is in place. Exit 3, or the signal's code when the run was stopped.
/// </summary>
internal sealed class StatusNotRecordedException(string message, int exitCode, Exception? inner = null) : RestoreException(message, inner)
{
    public override int ExitCode => exitCode;

    /// <summary>
    /// <c>could not record host "host-0" Succeeded after 3m0s of retries: &lt;error&gt;; the restored data is in place</c>,
    /// or for a failed unit <c>… Failed (&lt;its error&gt;) …; the restore had failed</c>.
    /// </summary>
    public static string Describe(RestoreUnit unit, UnitStatusEntry entry, TimeSpan tried, bool cutShort, Exception failure)
    {
        var outcome = entry.Error is null ? entry.Phase : $"{entry.Phase} ({entry.Error})";
        var seconds = TimeSpan.FromSeconds(Math.Max(1, Math.Round(tried.TotalSeconds)));
        var how = cutShort
            ? $"within the {GoDuration.Format(StatusWriteBudget.AfterStop)} a stopped run has"
            : $"after {GoDuration.Format(seconds)} of retries";
        var cause = failure is OperationCanceledException ? "no answer in time" : failure.Message;
        var data = entry.Phase == UnitPhase.Succeeded ? "the restored data is in place" : "the restore had failed";
        return $"could not record {unit} {outcome} {how}: {cause}; {data}";
    }
}
