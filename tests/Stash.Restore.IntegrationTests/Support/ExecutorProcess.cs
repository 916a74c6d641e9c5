using System.Diagnostics;
using Stash.Restore.IntegrationTests.Cli;

namespace Stash.Restore.IntegrationTests.Support;

/// <summary>
/// Starts <c>stash-restore</c> as a separate process: the binary named by
/// <c>STASH_RESTORE_BINARY</c> (scripts/test.sh publishes the Native AOT binary and sets it,
/// because trimming and AOT can break code paths only at run time), else the JIT build next
/// to the tests (<c>dotnet stash-restore.dll</c>).
/// </summary>
internal static class ExecutorProcess
{
    public const string BinaryVariable = "STASH_RESTORE_BINARY";

    /// <summary>The published binary under test, or null for the JIT build.</summary>
    public static string? Binary =>
        Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } path ? Path.GetFullPath(path) : null;

    /// <summary>What the process-level tests run, for their messages.</summary>
    public static string Describe() => Binary is { } binary ? $"published binary {binary}" : "JIT build (dotnet stash-restore.dll)";

    /// <summary>The program and arguments that start the executor under test, before its own arguments.</summary>
    public static List<string> Command()
    {
        if (Binary is { } binary)
        {
            if (!File.Exists(binary))
                throw new InvalidOperationException($"{BinaryVariable}={binary} does not exist");
            return [binary];
        }
        return ["dotnet", Path.Combine(AppContext.BaseDirectory, "stash-restore.dll")];
    }

    /// <param name="runUnder">A program and its arguments that run the executor (e.g. strace), or null.</param>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? runUnder = null)
    {
        var command = Command();
        command.InsertRange(0, runUnder ?? []);
        var start = new ProcessStartInfo(command[0]);
        foreach (var word in command.Skip(1))
            start.ArgumentList.Add(word);
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs to the end (bounded), reading stdout and stderr concurrently.</summary>
    public static async Task<CliResult> RunAsync(
        IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, IReadOnlyList<string>? runUnder = null)
    {
        using var process = Start(args, environment, runUnder);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"stash-restore ({Describe()}) did not finish in time: {string.Join(' ', args)}");
        }
        return new CliResult(process.ExitCode, await output, await error);
    }
}
