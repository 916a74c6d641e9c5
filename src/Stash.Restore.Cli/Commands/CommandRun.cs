using Serilog;
using Stash.Restore.Core;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Platform;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// What every executor command's run shares: the run's one masker and logger, the compatibility
/// warning, the cluster connection, and a one-line error with its exit code for whatever stops it.
/// </summary>
internal sealed class CommandRun
{
    private CommandRun(CliHost host, RestoreOptions options, SecretMasker masker, ILogger log)
    {
        Host = host;
        Options = options;
        Masker = masker;
        Log = log;
    }

    public CliHost Host { get; }
    public RestoreOptions Options { get; }
    public SecretMasker Masker { get; }

    /// <summary>The run's logger; a command narrows it (session, host) once it knows them, and errors are logged through it.</summary>
    public ILogger Log { get; set; }

    /// <summary>The live progress line on a terminal, with the log written above it; null when not asked for or not a terminal.</summary>
    public TerminalProgress? LiveProgress { get; private init; }

    /// <summary>Runs <paramref name="body"/> and turns what stops it into one line and an exit code (SPEC §3).</summary>
    /// <param name="liveProgress">Whether restic's progress may be shown as a live line (on a terminal).</param>
    public static async Task<int> RunAsync(CliHost host, RestoreOptions options, Func<CommandRun, Task<int>> body, bool liveProgress = false)
    {
        var masker = new SecretMasker();
        var logOptions = options.LogOptions(host.ErrorIsTerminal);
        var terminal = liveProgress ? TerminalProgress.For(host, logOptions) : null;
        await using var logger = RestoreLogging.Create(logOptions, terminal?.Log ?? host.Error, masker);
        var run = new CommandRun(host, options, masker, logger) { LiveProgress = terminal };
        try
        {
            if (OperatorCompatibilityFlags.Warning(options.NoEffectFlagsGiven) is { } noEffect)
                run.Log.Warning("{Warning:l}", noEffect);
            return await body(run);
        }
        catch (RestoreException e)
        {
            run.Log.Error("{Error}", masker.Apply(e.Message));
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (host.Interruption.Reason is { } reason)
        {
            run.Log.Error("Stopped: {Reason:l}", reason);
            return host.Interruption.ExitCode;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            // A wait given up with no signal (a timer, a token passed on by mistake), or a connection that broke
            // where no caller said which: a dependency did not answer.
            run.Log.Debug(e, "No answer");
            run.Log.Error("{Error}", masker.Apply($"no answer from a server the run needs ({e.GetType().Name}: {e.Message})"));
            return ExitCodes.DependencyUnavailable;
        }
        catch (Exception e)
        {
            // The interface is one line, never a stack trace (it goes to the debug log); and never no line at all.
            run.Log.Debug(e, "Unexpected error");
            run.Log.Error("{Error}", masker.Apply($"unexpected error ({e.GetType().Name}): {e.Message}"));
            return ExitCodes.RestoreFailed;
        }
    }

    /// <summary>
    /// The run's one API client (one kubeconfig read, one TLS connection); the caller disposes it.
    /// Made before the first TLS handshake, it leaves the system certificate store unread when nothing checks a peer against it.
    /// </summary>
    public KubernetesClient Connect()
    {
        var cluster = KubernetesClient.Create(new KubernetesConfigRequest(Host.Environment, Options.Kubeconfig, Options.Master),
            KubernetesRetryOptions.Within(Options.ApiRetryTimeout), Masker, Host.Clock, Log, Host.Random);
        if (!SystemCertificateStoreUse.IsNeeded(cluster.Configuration.ChecksServerAgainstSystemStore, Options.MetricsEnabled, Options.PushgatewayUrl))
            Host.LeaveSystemCertificateStoreUnread?.Invoke();
        return cluster;
    }
}
