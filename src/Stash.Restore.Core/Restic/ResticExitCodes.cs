namespace Stash.Restore.Core.Restic;

/// <summary>
/// restic's documented exit codes. 10, 11 and 12 exist from 0.17 on; older releases exit 1
/// for those cases and only the message tells them apart. Any other code is a failure.
/// </summary>
internal static class ResticExitCodes
{
    public const int Success = 0;
    public const int Error = 1;
    public const int NoRepository = 10;
    public const int Locked = 11;
    public const int WrongPassword = 12;
    public const int Interrupted = 130;

    /// <summary>What the kernel's SIGKILL looks like: the OOM killer, or a kubelet out of patience.</summary>
    public const int SigKill = 9;
}
