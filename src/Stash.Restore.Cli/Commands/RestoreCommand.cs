using System.CommandLine;
using System.Text.Json;
using Serilog;
using Stash.Restore.Core;
using Stash.Restore.Core.Execution;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Hosts;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Model;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Status;

namespace Stash.Restore.Cli.Commands;

internal static class RestoreCommand
{
    public static Command Create(CliHost host)
    {
        var flags = new RestoreFlags();
        var command = new Command("restore",
            """
            Restore this host's data for a RestoreSession: resolve the host and its rule, run the preRestore hook,
            restic restore, the postRestore hook, and record the host's entry in RestoreSession.status.

            Exit codes: 0 restored or nothing to do; 1 restore failed; 2 invalid input; 3 dependency missing or
            unreachable; 130/143 interrupted by SIGINT/SIGTERM.

            Examples:
              stash-restore restore --restoresession sts-restore --namespace demo
              stash-restore restore --restoresession-file rs.yaml --repository-file repo.yaml --secret-dir ./secret \
                  --host host-1 --target-dir /tmp/restored --status-file status.json
              stash-restore restore --restoresession-file rs.yaml --repository-file repo.yaml --secret-dir ./secret --dry-run -o json
            """);
        flags.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(host, flags, parseResult, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, RestoreFlags flags, ParseResult parse, CancellationToken cancellationToken)
    {
        var masker = new SecretMasker();
        await using var logger = RestoreLogging.Create(LogOptionsFrom(host, flags, parse), host.Error, masker);
        ILogger log = logger;
        try
        {
            WarnAboutIgnoredFlags(parse, flags, log);
            var settings = SettingsFrom(host, flags, parse);
            var pod = PodIdentity.FromEnvironment(host.Environment, host.OsHostName);
            var restic = new ResticRestore(host.ProcessRunner, host.Clock, host.Environment);
            var hostOverride = parse.GetValue(flags.Host);

            if (parse.GetValue(flags.RestoreSessionFile) is not { } sessionFile)
                throw new InvalidInputException("name the RestoreSession: --restoresession NAME (cluster) or --restoresession-file FILE (offline)");

            var inputs = OfflineInputs.Load(sessionFile, parse.GetValue(flags.RepositoryFile), parse.GetValue(flags.SecretDir), pod, hostOverride);
            log = log.ForSession(inputs.Session.Metadata.Namespace, inputs.Session.Metadata.Name);
            if (parse.GetValue(flags.DryRun))
                return await PrintPlanAsync(host, flags, parse, new RestorePlanner(restic, settings, masker), inputs, cancellationToken);

            var statusFile = parse.GetValue(flags.StatusFile);
            IHostStatusStore status = statusFile is null ? new InMemoryStatusStore(inputs.Session.Status) : new StatusFileStore(statusFile, inputs.Session.Status);
            var parts = new RestoreDependencies(restic, new HookExecutor(host.ProcessRunner, null, masker, log, host.Clock, HookOptionsFrom(host, flags, parse)), status, new LoggedEventRecorder(log),
                new UncontendedHostClaims(), null, masker, log, host.Clock);
            var outcome = await new HostRestorePipeline(parts, settings, host.Interruption).RestoreAsync(inputs, cancellationToken);
            if (status is InMemoryStatusStore memory)
                await host.Output.WriteLineAsync(JsonSerializer.Serialize(memory.Current ?? new RestoreSessionStatus(), StatusJson.Indented.RestoreSessionStatus));
            return outcome.ExitCode;
        }
        catch (RestoreException e)
        {
            var message = masker.Apply(e.Message);
            log.Error("{Error}", message);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (host.Interruption.Reason is { } reason)
        {
            log.Error("Stopped before restoring: {Reason}", reason);
            return host.Interruption.ExitCode;
        }
    }

    private static async Task<int> PrintPlanAsync(CliHost host, RestoreFlags flags, ParseResult parse, RestorePlanner planner, RestoreInputs inputs, CancellationToken cancellationToken)
    {
        var plan = await planner.PlanAsync(inputs, cancellationToken);
        var text = parse.GetValue(flags.Output) == "json"
            ? JsonSerializer.Serialize(plan, PlanJsonContext.Default.RestorePlanReport)
            : PlanText.Render(plan);
        await host.Output.WriteLineAsync(text.TrimEnd());
        return ExitCodes.Success;
    }

    private static RestoreSettings SettingsFrom(CliHost host, RestoreFlags flags, ParseResult parse)
    {
        var scratch = parse.GetValue(flags.ScratchDir)
            ?? (Directory.Exists("/stash-tmp") ? "/stash-tmp" : Path.Combine(Path.GetTempPath(), "stash-restore"));
        var maxConnections = parse.GetValue(flags.MaxConnections);
        return new RestoreSettings(
            TargetDirectory: Path.GetFullPath(parse.GetValue(flags.TargetDir) ?? "/"),
            ScratchDirectory: Path.GetFullPath(scratch),
            EnableCache: parse.GetValue(flags.EnableCache),
            MaxConnections: maxConnections > 0 ? maxConnections : null,
            Verify: parse.GetValue(flags.Verify));
    }

    private static HookExecutorOptions HookOptionsFrom(CliHost host, RestoreFlags flags, ParseResult parse) => new()
    {
        Timeout = parse.GetValue(flags.HookTimeout),
        OwnContainerName = parse.GetValue(flags.OwnContainer) ?? HookExecutorOptions.DefaultOwnContainerName,
        PodIp = host.Environment.GetValueOrDefault("POD_IP"),
    };

    private static LogOptions LogOptionsFrom(CliHost host, RestoreFlags flags, ParseResult parse)
    {
        var level = parse.GetValue(flags.LogLevel) is { } name ? LogLevels.Parse(name) : LogLevels.FromVerbosity(parse.GetValue(flags.Verbosity));
        return new LogOptions(LogLevels.ParseFormat(parse.GetValue(flags.LogFormat)), level, host.ErrorIsTerminal);
    }

    private static void WarnAboutIgnoredFlags(ParseResult parse, RestoreFlags flags, ILogger log)
    {
        foreach (var option in flags.Ignored.Where(o => parse.GetResult(o) is not null))
            log.Warning("Flag {Flag} is accepted for compatibility with Stash operators and has no effect", option.Name);
    }
}
