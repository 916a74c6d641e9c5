using System.CommandLine;
using System.Text.Json;
using Serilog;
using Stash.Restore.Core;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Logging;
using Stash.Restore.Core.Metrics;
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
            var restic = new ResticRestore(host.ProcessRunner, host.Clock, host.Environment, masker);

            // The family is the RestoreSession's: a KubeStash one in the --objects files or the API.
            var kubeStash = parse.GetValue(flags.RestoreSessionFile) is null
                ? KubeStashRestoreCommand.Offline(flags, parse, host, masker, log)
                  ?? (parse.GetValue(flags.Objects) is { Length: > 0 } ? null : await KubeStashRestoreCommand.ClusterAsync(flags, parse, host, masker, log, cancellationToken))
                : null;
            if (kubeStash is not null)
            {
                await using (kubeStash)
                    return await KubeStashRestoreCommand.RunAsync(host, flags, parse, kubeStash, restic, settings, masker, log, cancellationToken);
            }

            await using var wiring = parse.GetValue(flags.RestoreSessionFile) is { } sessionFile
                ? RestoreWiring.Offline(sessionFile, flags, parse, pod, host, masker, log)
                : parse.GetValue(flags.Objects) is { Length: > 0 } objectFiles
                ? RestoreWiring.FromObjects(objectFiles, flags, parse, pod, host, masker, log)
                : await RestoreWiring.ClusterAsync(flags, parse, pod, host, masker, log, cancellationToken);
            var session = wiring.Inputs.Session;
            log = log.ForSession(session.Metadata.Namespace, session.Metadata.Name);
            if (parse.GetValue(flags.Hosts) is { } hosts)
            {
                if (!parse.GetValue(flags.DryRun))
                    throw new InvalidInputException("--hosts previews several hosts and needs --dry-run");
                return await PrintPreviewAsync(host, flags, parse, new StashHostsPreview(restic, settings, masker, host.Clock), wiring.Inputs,
                    StashHostsPreview.Hosts(hosts, session, parse.GetValue(flags.Replicas)), cancellationToken);
            }
            if (parse.GetValue(flags.DryRun))
                return await PrintPlanAsync(host, flags, parse, new StashDryRun(restic, settings, masker, host.Clock), wiring.Inputs, cancellationToken);

            using var http = new HttpClient();
            var hooks = new HookExecutor(host.ProcessRunner, wiring.PodExec, masker, log, host.Clock, HookOptionsFrom(flags, parse, wiring));
            var parts = new StashRestoreParts(restic, hooks, wiring.Status, wiring.Events, wiring.Claims,
                MetricsFrom(flags, parse, wiring.Inputs, http, masker, log, host.Environment), masker, log, host.Clock);
            var outcome = await new StashHostRestore(parts, settings, host.Interruption).RestoreAsync(wiring.Inputs, cancellationToken);
            await wiring.FinishAsync(host.Output);
            return outcome.ExitCode;
        }
        catch (RestoreException e)
        {
            log.Error("{Error}", masker.Apply(e.Message));
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (host.Interruption.Reason is { } reason)
        {
            log.Error("Stopped before restoring: {Reason}", reason);
            return host.Interruption.ExitCode;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The interface is one line, never a stack trace; the trace goes to the debug log.
            log.Debug(e, "Unexpected error");
            log.Error("{Error}", masker.Apply($"unexpected error ({e.GetType().Name}): {e.Message}"));
            return ExitCodes.RestoreFailed;
        }
    }

    /// <summary>With --metrics-enabled, this host's metrics go to the Pushgateway; without a URL that is a warning, not a failure.</summary>
    private static PushgatewayMetricsPublisher? MetricsFrom(
        RestoreFlags flags, ParseResult parse, RestoreInputs inputs, HttpClient http, SecretMasker masker, ILogger log, IReadOnlyDictionary<string, string> environment)
    {
        if (!parse.GetValue(flags.MetricsEnabled))
            return null;
        if (string.IsNullOrWhiteSpace(parse.GetValue(flags.PushgatewayUrl)))
        {
            log.Warning("--metrics-enabled without --pushgateway-url: no metrics will be pushed");
            return null;
        }
        var url = PushgatewayUrl.Parse(parse.GetValue(flags.PushgatewayUrl));
        masker.AddRange(UrlRedactor.Passwords(url.AbsoluteUri));
        if (PushgatewayCredentials.Resolve(parse.GetValue(flags.PushgatewayCredentialsFile), environment) is { } credentials)
        {
            masker.Add(credentials.Password);
            url = credentials.ApplyTo(url);
            log.Debug("Pushgateway basic auth from {Source}", credentials.Source);
        }
        else if (url.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            log.Warning("--pushgateway-url carries a password, which any process list shows; use {Variable} or --pushgateway-credentials-file instead", PushgatewayCredentials.PasswordVariable);
        }
        var session = inputs.Session;
        var target = session.Spec.Target?.Ref;
        var labels = new RestoreMetricsLabels(
            parse.GetValue(flags.InvokerKind) ?? RestoreSession.KindName,
            session.Metadata.Name ?? "",
            session.Metadata.Namespace ?? "",
            session.Spec.Driver ?? "Restic",
            inputs.Repository.Metadata.Name ?? "",
            target?.Kind ?? "",
            RestoreMetricsLabels.GroupOf(target?.ApiVersion),
            target?.Name ?? "");
        return new PushgatewayMetricsPublisher(http, url, labels, log, masker: masker);
    }

    private static async Task<int> PrintPlanAsync(CliHost host, RestoreFlags flags, ParseResult parse, StashDryRun planner, RestoreInputs inputs, CancellationToken cancellationToken)
    {
        var plan = await planner.PlanAsync(inputs, cancellationToken);
        var text = parse.GetValue(flags.Output) == "json"
            ? JsonSerializer.Serialize(plan, StashPlanJsonContext.Default.RestorePlanReport)
            : StashPlanText.Render(plan);
        await host.Output.WriteLineAsync(text.TrimEnd());
        return ExitCodes.Success;
    }

    private static async Task<int> PrintPreviewAsync(
        CliHost host, RestoreFlags flags, ParseResult parse, StashHostsPreview preview, RestoreInputs inputs, IReadOnlyList<string> hosts, CancellationToken cancellationToken)
    {
        var report = await preview.PreviewAsync(inputs, hosts, cancellationToken);
        var text = parse.GetValue(flags.Output) == "json"
            ? JsonSerializer.Serialize(report, StashPlanJsonContext.Default.HostsPreviewReport)
            : StashPlanText.Render(report);
        await host.Output.WriteLineAsync(text.TrimEnd());
        return ExitCodes.Success;
    }

    private static RestoreSettings SettingsFrom(CliHost host, RestoreFlags flags, ParseResult parse)
    {
        var scratch = parse.GetValue(flags.ScratchDir)
            ?? (Directory.Exists("/stash-tmp") ? "/stash-tmp" : ResticWorkspace.DefaultScratchDirectory(host.Environment));
        var maxConnections = parse.GetValue(flags.MaxConnections);
        return new RestoreSettings(
            TargetDirectory: Path.GetFullPath(parse.GetValue(flags.TargetDir) ?? "/"),
            ScratchDirectory: Path.GetFullPath(scratch),
            EnableCache: parse.GetValue(flags.EnableCache),
            MaxConnections: maxConnections > 0 ? maxConnections : null,
            Verify: parse.GetValue(flags.Verify),
            PriorityOverride: PriorityEnvironment.Read(host.Environment),
            FailOnMetadataErrors: parse.GetValue(flags.FailOnMetadataErrors))
        {
            // Validated by the flag: a Go duration, 0 = restic's own retries.
            RepositoryTimeout = Core.Status.GoDuration.TryParse(parse.GetValue(flags.RepositoryTimeout), out var timeout) && timeout > TimeSpan.Zero ? timeout : null,
        };
    }

    private static HookExecutorOptions HookOptionsFrom(RestoreFlags flags, ParseResult parse, RestoreWiring wiring)
    {
        var options = new HookExecutorOptions
        {
            Timeout = parse.GetValue(flags.HookTimeout),
            OwnContainerName = parse.GetValue(flags.OwnContainer) ?? HookExecutorOptions.DefaultOwnContainerName,
        };
        options = wiring.Pod is { } pod ? options.WithPod(pod) : options;
        // The downward API's POD_IP, when set, is the pod's own word for its address.
        return wiring.PodIp is { } ip ? options with { PodIp = ip } : options;
    }

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
