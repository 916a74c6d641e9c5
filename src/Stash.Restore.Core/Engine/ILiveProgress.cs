namespace Stash.Restore.Core.Engine;

/// <summary>
/// restic's progress shown live where a person watches it (a terminal): every status as it comes,
/// redrawn in place, and gone when restic ends so the summary line takes its place. The CLI makes one
/// only when stderr is a terminal and logs are text; otherwise progress is logged as before.
/// </summary>
internal interface ILiveProgress
{
    /// <summary>
    /// Runs <paramref name="restore"/> while showing the progress it reports (on restic's output reader:
    /// the view returns at once); the view is cleared when <paramref name="restore"/> returns or throws.
    /// </summary>
    Task<T> ShowAsync<T>(RestoreUnit unit, Func<IProgress<UnitProgress>, Task<T>> restore);
}
