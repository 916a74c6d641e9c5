using System.CommandLine;
using System.CommandLine.Parsing;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Cli.Commands;

/// <summary>
/// The flags every Stash subcommand accepts because the operator's binary registers them globally
/// (SPEC §15): klog's set, with <c>_</c> and <c>-</c> equivalent as pflag normalises them, pflag's
/// <c>--log-flush-frequency</c>, and kmodules' <c>--use-kubeapiserver-fqdn-for-aks</c> and
/// <c>--bypass-validating-webhook-xray</c>, plus the flags older operators passed to <c>restore</c>.
/// Every command adds one instance (<see cref="AddTo"/>); <c>--v</c> maps to a log level where the
/// command logs, everything else given is named in one warning.
/// </summary>
/// <remarks>
/// Forms, as pflag parses them: <c>--flag=value</c> and <c>--flag value</c>; a boolean is bare
/// (<c>--logtostderr</c>, true) or <c>--logtostderr=false</c>, and never takes the next argument
/// (<see cref="ExpandBareBooleans"/>). A value klog or pflag would refuse is invalid input.
/// </remarks>
internal sealed class OperatorCompatibilityFlags
{
    /// <summary>klog v2's flags (k8s.io/klog/v2 InitFlags) and pflag's log flush interval (gomodules.xyz/logs).</summary>
    public static IReadOnlyList<CompatibilityFlag> Klog { get; } =
    [
        Text("--log_dir", "--log-dir", "klog: directory for log files; logs always go to stderr here."),
        Text("--log_file", "--log-file", "klog: log file; logs always go to stderr here."),
        new(["--log_file_max_size", "--log-file-max-size"], KlogFlagValues.Megabytes, Boolean: false, "klog: maximum log file size in MB."),
        Flag("--logtostderr", "klog: log to stderr (always the case here)."),
        Flag("--alsologtostderr", "klog: log to stderr as well as files."),
        Flag("--add_dir_header", "klog: add the file directory to log headers.", "--add-dir-header"),
        Flag("--skip_headers", "klog: no header prefixes in log messages.", "--skip-headers"),
        Flag("--one_output", "klog: write logs to their native severity level only.", "--one-output"),
        Flag("--skip_log_headers", "klog: no headers when opening log files.", "--skip-log-headers"),
        new(["--stderrthreshold"], KlogFlagValues.Severity, Boolean: false, "klog: severity (INFO, WARNING, ERROR, FATAL or a number) at which logs go to stderr."),
        new(["--vmodule"], KlogFlagValues.ModuleSpec, Boolean: false, "klog: comma-separated pattern=N verbosity per file."),
        new(["--log_backtrace_at", "--log-backtrace-at"], KlogFlagValues.TraceLocation, Boolean: false, "klog: emit a stack trace when logging hits file.go:N."),
        new(["--log-flush-frequency", "--log_flush_frequency"], KlogFlagValues.Duration, Boolean: false, "Maximum time between log flushes (a duration); logs are written at once here."),
    ];

    /// <summary>What the Stash operator's image registers besides klog, and what older operators passed to <c>restore</c>.</summary>
    public static IReadOnlyList<CompatibilityFlag> Operator { get; } =
    [
        Flag("--use-kubeapiserver-fqdn-for-aks", "kmodules: use the API server's FQDN on AKS; the kubeconfig or service account decides here.", "--use_kubeapiserver_fqdn_for_aks"),
        Flag("--bypass-validating-webhook-xray", "kmodules: bypass validating webhook xray checks.", "--bypass_validating_webhook_xray"),
        Flag("--enable-status-subresource", "Older operators: status is always written through /status here."),
        Text("--service-name", "Older operators: the operator's service name."),
        Flag("--enable-analytics", "Older operators: no analytics are sent here."),
    ];

    /// <summary><c>restore</c>'s own: the wait for the API server's first answer; the client's bounded retries decide here.</summary>
    public static CompatibilityFlag BackoffMaxWait { get; } =
        new(["--backoff-max-wait"], KlogFlagValues.Duration, Boolean: false, "Stash: maximum wait for the API server's first answer (a duration, default 0); the client's bounded retries decide here.");

    private readonly List<(CompatibilityFlag Flag, Option<string[]> Option)> _noEffect;

    /// <param name="commandFlags">This command's own no-effect flags beside the shared set (e.g. <see cref="BackoffMaxWait"/>).</param>
    public OperatorCompatibilityFlags(params IEnumerable<CompatibilityFlag> commandFlags)
    {
        _noEffect = [.. Klog.Concat(Operator).Concat(commandFlags).Select(flag => (flag, NewOption(flag)))];
    }

    /// <summary>klog's <c>--v</c> (pflag also takes <c>-v</c>): 0–1 info, 2–3 debug, 4+ trace where the command logs.</summary>
    public Option<string[]> Verbosity { get; } = new("--v", "-v")
    {
        Description = "klog verbosity: 0-1 info, 2-3 debug, 4+ trace.",
        HelpName = "level",
        // Given twice, the last wins, as in pflag.
        Arity = ArgumentArity.OneOrMore,
    };

    public void AddTo(Command command)
    {
        Verbosity.Validators.Add(result => Check(result, KlogFlagValues.Verbosity));
        command.Options.Add(Verbosity);
        foreach (var (_, option) in _noEffect)
            command.Options.Add(option);
    }

    /// <summary>klog's <c>--v</c> as given, else 0.</summary>
    public int VerbosityOf(ParseResult parse) =>
        int.TryParse(parse.GetValue(Verbosity)?.LastOrDefault(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var level) ? level : 0;

    /// <summary>The flags given that have no effect, as they were spelled, in the set's order.</summary>
    /// <param name="withVerbosity">Name <c>--v</c> too: the command writes no log it could change.</param>
    public IReadOnlyList<string> NoEffectGiven(ParseResult parse, bool withVerbosity = false)
    {
        IEnumerable<Option> options = _noEffect.Select(e => (Option)e.Option);
        if (withVerbosity)
            options = options.Prepend(Verbosity);
        return [.. options
            .Select(parse.GetResult)
            .OfType<OptionResult>()
            .Where(r => !r.Implicit && r.IdentifierToken is not null)
            .Select(r => r.IdentifierToken!.Value)];
    }

    /// <summary>The one warning naming <paramref name="flags"/>, or null when there are none.</summary>
    public static string? Warning(IReadOnlyList<string> flags) => flags.Count switch
    {
        0 => null,
        1 => $"Flag {flags[0]} is accepted for compatibility with Stash operators and has no effect",
        _ => $"Flags {string.Join(", ", flags)} are accepted for compatibility with Stash operators and have no effect",
    };

    /// <summary>
    /// For a command that writes no log: one warning line on <paramref name="error"/> naming every
    /// compatibility flag given, <c>--v</c> included (it has nothing to change there).
    /// </summary>
    public async Task WarnAsync(ParseResult parse, TextWriter error)
    {
        if (Warning(NoEffectGiven(parse, withVerbosity: true)) is { } warning)
            await error.WriteLineAsync($"warning: {warning}");
    }

    /// <summary>
    /// A bare boolean of the set becomes <c>--flag=true</c>, as pflag reads it; a following word stays an
    /// argument of its own (<c>--logtostderr false</c> is <c>--logtostderr=true</c> and an unexpected <c>false</c>).
    /// Nothing after <c>--</c> is touched.
    /// </summary>
    public static string[] ExpandBareBooleans(string[] args)
    {
        var expanded = new string[args.Length];
        var optionsEnded = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            optionsEnded |= arg == "--";
            expanded[i] = !optionsEnded && BooleanNames.Contains(arg) ? arg + "=true" : arg;
        }
        return expanded;
    }

    private static readonly HashSet<string> BooleanNames =
        [.. Klog.Concat(Operator).Where(f => f.Boolean).SelectMany(f => f.Names)];

    private static Option<string[]> NewOption(CompatibilityFlag flag)
    {
        var option = new Option<string[]>(flag.Name, flag.Names[1..])
        {
            Description = flag.Description + " Accepted for compatibility; no effect.",
            HelpName = flag.Boolean ? "true|false" : "value",
            // One value per occurrence; given twice, the last wins, as in pflag.
            Arity = ArgumentArity.OneOrMore,
        };
        option.Validators.Add(result => Check(result, flag.Check));
        return option;
    }

    private static void Check(OptionResult result, Func<string?, string?> check)
    {
        foreach (var value in result.Tokens.Select(t => t.Value))
        {
            if (check(value) is { } problem)
            {
                result.AddError($"{result.IdentifierToken?.Value ?? result.Option.Name}={value}: {problem}");
                return;
            }
        }
    }

    private static CompatibilityFlag Text(string name, string description) => new([name], KlogFlagValues.Text, Boolean: false, description);

    private static CompatibilityFlag Text(string name, string alias, string description) => new([name, alias], KlogFlagValues.Text, Boolean: false, description);

    private static CompatibilityFlag Flag(string name, string description, params string[] aliases) => new([name, .. aliases], KlogFlagValues.Boolean, Boolean: true, description);
}
