using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Restic;

/// <summary>
/// A plan's credential files (a GCS key, <c>CA_CERT_DATA</c>) handed to restic without writing them
/// anywhere: each content goes into an anonymous memory file (<c>memfd_create</c>) that child processes
/// inherit, and restic is given <c>/proc/self/fd/N</c> — its own inherited copy — in place of the planned
/// path, in argv and environment alike. For the calls that only read (a preview, a snapshot listing),
/// which must leave the scratch folder as they found it; a restore writes its 0600 files
/// (<see cref="ResticWorkspace"/>). Disposing closes the memory files.
/// </summary>
/// <remarks>
/// The descriptors are inheritable while this object lives, so any child started meanwhile inherits
/// them; the reading calls run one at a time, and nothing else starts children while they run.
/// </remarks>
internal sealed partial class InMemoryCredentialFiles : IDisposable
{
    private readonly Dictionary<string, string> _substitutes = new(StringComparer.Ordinal);
    private readonly List<SafeFileHandle> _handles = [];

    private InMemoryCredentialFiles()
    {
    }

    /// <summary>The planned path of each credential file and the path restic reads it from instead.</summary>
    public IReadOnlyDictionary<string, string> Substitutes => _substitutes;

    /// <exception cref="DependencyUnavailableException">The kernel refused a memory file.</exception>
    public static InMemoryCredentialFiles Open(IReadOnlyList<CredentialFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var memory = new InMemoryCredentialFiles();
        try
        {
            foreach (var file in files)
                memory.Add(file);
            return memory;
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    /// <summary>A process runner that starts every program with the substitutes in place of the planned paths.</summary>
    public IProcessRunner Wrap(IProcessRunner inner) => _substitutes.Count == 0 ? inner : new SubstitutingRunner(inner, this);

    /// <summary><paramref name="spec"/> with every argument and variable naming a planned credential file pointing at its memory file.</summary>
    public ProcessSpec Apply(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_substitutes.Count == 0)
            return spec;
        return spec with
        {
            Arguments = [.. spec.Arguments.Select(Substitute)],
            Environment = spec.Environment.ToDictionary(e => e.Key, e => e.Value is null ? null : Substitute(e.Value), StringComparer.Ordinal),
        };
    }

    public void Dispose()
    {
        foreach (var handle in _handles)
            handle.Dispose();
        _handles.Clear();
    }

    private string Substitute(string value) => _substitutes.GetValueOrDefault(value, value);

    private void Add(CredentialFile file)
    {
        // Inheritable on purpose (no MFD_CLOEXEC): restic opens its own copy by number.
        var fd = MemfdCreate(Path.GetFileName(file.Path), 0);
        if (fd < 0)
        {
            throw new DependencyUnavailableException(
                $"cannot hand credential file {Path.GetFileName(file.Path)} to restic without writing it to disk: memfd_create failed (errno {Marshal.GetLastPInvokeError()})");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        _handles.Add(handle);
        RandomAccess.Write(handle, Encoding.UTF8.GetBytes(file.Content), 0);
        _substitutes[file.Path] = $"/proc/self/fd/{fd}";
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    private sealed class SubstitutingRunner(IProcessRunner inner, InMemoryCredentialFiles files) : IProcessRunner
    {
        public Task<ProcessResult> RunAsync(ProcessSpec spec, Action<OutputStream, string>? onLine, CancellationToken cancellationToken) =>
            inner.RunAsync(files.Apply(spec), onLine, cancellationToken);
    }
}
