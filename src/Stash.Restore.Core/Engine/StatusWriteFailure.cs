namespace Stash.Restore.Core.Engine;

/// <summary>The exceptions a status write ends with when the status could not be written (API down, refused, timed out, file unwritable).</summary>
internal static class StatusWriteFailure
{
    public static bool IsOne(Exception e) =>
        e is RestoreException or OperationCanceledException or TimeoutException or HttpRequestException or IOException or System.Net.Sockets.SocketException;
}
