using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Stash.Restore.Cli;

/// <summary>
/// Keeps .NET from reading the system certificate store when nothing in the process uses it
/// (<see cref="Core.Platform.SystemCertificateStoreUse"/>).
/// </summary>
/// <remarks>
/// On Linux, .NET reads every certificate of the system store (OpenSSL's <c>SSL_CERT_FILE</c> and
/// <c>SSL_CERT_DIR</c>, else its default file and directory) at the process's first chain build,
/// that is the first TLS handshake, even when the chain is built against a custom root: its
/// OpenSSL chain builder always adds the system intermediates. On Debian that is ≈300 files,
/// ≈55 ms of CPU, more than the rest of a cluster dry run. .NET reads the store's location from
/// the C environment once, at that first read, and keeps it for the life of the process. So the
/// store is read here, first, from an empty location (both variables set to ""), and the C
/// environment is put back as it was. Child processes never see the change: they are given the
/// environment <see cref="CliHost.FromProcess"/> copied at start-up.
/// </remarks>
internal static partial class SystemCertificateStore
{
    private static readonly string[] Variables = ["SSL_CERT_FILE", "SSL_CERT_DIR"];

    /// <summary>
    /// Call before the process's first TLS handshake; later it changes nothing. Only a saving: if
    /// the read fails, the handshake reads the store itself, as it would have anyway.
    /// </summary>
    public static void LeaveUnread()
    {
        var original = Variables.ToDictionary(name => name, name => Marshal.PtrToStringUTF8(GetEnv(name)), StringComparer.Ordinal);
        try
        {
            foreach (var name in Variables)
                SetEnv(name, "", overwrite: 1);
            using var roots = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            roots.Open(OpenFlags.ReadOnly);
            _ = roots.Certificates.Count; // the one read, from nowhere
        }
        catch (CryptographicException)
        {
            // Nothing lost but the saving.
        }
        finally
        {
            foreach (var (name, value) in original)
            {
                if (value is null)
                    UnsetEnv(name);
                else
                    SetEnv(name, value, overwrite: 1);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);
}
