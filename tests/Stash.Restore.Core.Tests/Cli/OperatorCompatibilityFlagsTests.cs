using Stash.Restore.Cli;
using Stash.Restore.Cli.Commands;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Cli;

/// <summary>
/// SPEC §15: every Stash subcommand takes klog's flags (with <c>_</c> and <c>-</c> equivalent), pflag's
/// <c>--log-flush-frequency</c>, <c>--use-kubeapiserver-fqdn-for-aks</c> and <c>--bypass-validating-webhook-xray</c>,
/// in the forms pflag parses, with the values klog accepts; one warning names those given; a value klog refuses
/// and an unknown option are invalid input, one line, exit 2. Run through the real command tree in-process.
/// </summary>
public sealed class OperatorCompatibilityFlagsTests
{
    /// <summary>The commands this executor has; each parses the whole set (restore also runs, so it is given a dry run against files that do not exist).</summary>
    public static readonly string[] Commands = ["restore", "validate", "version", "restore-pvc", "update-status", "run-hook"];

    /// <summary>Every flag of §15 but --v, each with a value klog/pflag accepts (booleans: none, they are bare).</summary>
    public static readonly (string Flag, string? Value)[] Flags =
    [
        ("--log_dir", "/var/log/stash"), ("--log-dir", "/var/log/stash"),
        ("--log_file", "/var/log/stash.log"), ("--log-file", "/var/log/stash.log"),
        ("--log_file_max_size", "1800"), ("--log-file-max-size", "0x10"),
        ("--logtostderr", null), ("--alsologtostderr", null),
        ("--add_dir_header", null), ("--add-dir-header", null),
        ("--skip_headers", null), ("--skip-headers", null),
        ("--one_output", null), ("--one-output", null),
        ("--skip_log_headers", null), ("--skip-log-headers", null),
        ("--stderrthreshold", "2"),
        ("--vmodule", "restore=2,lease*=4"),
        ("--log_backtrace_at", "restore.go:120"), ("--log-backtrace-at", "restore.go:120"),
        ("--log-flush-frequency", "5s"), ("--log_flush_frequency", "1m30s"),
        ("--use-kubeapiserver-fqdn-for-aks", null),
        ("--bypass-validating-webhook-xray", null),
    ];

    public static TheoryData<string, string, string?> EveryFlagOnEveryCommand()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var command in Commands)
            foreach (var (flag, value) in Flags)
                data.Add(command, flag, value);
        return data;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" },
            output, error, TimeProvider.System, new ProcessRunner(), "test", false, new Interruption());
        var code = await CliApp.RunAsync(host, args, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A command line of <paramref name="command"/> that does the least: a version, a validate of a missing file, a restore dry run of missing files.</summary>
    private static string[] Quiet(string command) => command switch
    {
        "validate" => ["validate", "-f", "/nonexistent/rs.yaml"],
        "restore" => ["restore", "--restoresession-file", "/nonexistent/rs.yaml", "--repository-file", "/nonexistent/repo.yaml", "--dry-run", "--log-format", "text"],
        "restore-pvc" => ["restore-pvc", "--kubeconfig", "/nonexistent/kubeconfig", "--log-format", "text"],
        "update-status" => ["update-status", "--output-dir", "/nonexistent/output", "--log-format", "text"],
        "run-hook" => ["run-hook", "--hook-type=preRestore", "--kubeconfig", "/nonexistent/kubeconfig", "--log-format", "text"],
        _ => [command],
    };

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static void AssertOneWarningNaming(string error, params string[] flags)
    {
        var warning = Assert.Single(Lines(error), l => l.Contains("accepted for compatibility with Stash operators", StringComparison.Ordinal));
        foreach (var flag in flags)
            Assert.Contains(flag, warning, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryFlagOnEveryCommand))]
    public async Task Every_flag_is_accepted_on_every_command_as_flag_equals_value_and_named_in_the_warning(string command, string flag, string? value)
    {
        var given = value is null ? flag : $"{flag}={value}";

        var (code, _, error) = await RunAsync([.. Quiet(command), given]);

        // Whatever the command then does with its missing files, the command line itself was accepted.
        Assert.DoesNotContain($"see 'stash-restore {command} --help'", error, StringComparison.Ordinal);
        if (command == "version")
            Assert.True(code is ExitCodes.Success or ExitCodes.DependencyUnavailable, error);
        AssertOneWarningNaming(error, flag);
    }

    [Theory]
    [MemberData(nameof(EveryFlagOnEveryCommand))]
    public async Task A_value_may_follow_as_its_own_argument_and_a_boolean_is_bare_or_takes_true_or_false_after_equals(string command, string flag, string? value)
    {
        var forms = value is null
            ? new[] { new[] { $"{flag}=true" }, new[] { $"{flag}=false" }, new[] { $"{flag}=T" }, new[] { $"{flag}=0" } }
            : new[] { new[] { flag, value } };
        foreach (var form in forms)
        {
            var (_, _, error) = await RunAsync([.. Quiet(command), .. form]);

            Assert.DoesNotContain("error:", error, StringComparison.Ordinal);
            AssertOneWarningNaming(error, flag);
        }
    }

    [Theory]
    [InlineData("restore")]
    [InlineData("validate")]
    [InlineData("version")]
    [InlineData("restore-pvc")]
    [InlineData("update-status")]
    [InlineData("run-hook")]
    public async Task A_boolean_never_takes_the_next_argument_as_its_value_as_in_pflag(string command)
    {
        var (code, output, error) = await RunAsync([.. Quiet(command), "--logtostderr", "false"]);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Equal($"error: unexpected argument 'false'; see 'stash-restore {command} --help'", Assert.Single(Lines(error)));
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("INFO")]
    [InlineData("info")]
    [InlineData("Warning")]
    [InlineData("ERROR")]
    [InlineData("fatal")]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("3")]
    [InlineData("-1")]
    public async Task Stderrthreshold_takes_a_severity_name_in_any_case_or_a_number_as_klog_does(string value)
    {
        var (code, _, error) = await RunAsync("version", $"--stderrthreshold={value}");

        Assert.DoesNotContain("error:", error, StringComparison.Ordinal);
        AssertOneWarningNaming(error, "--stderrthreshold");
        Assert.NotEqual(ExitCodes.InvalidInput, code);
    }

    [Theory]
    [InlineData("restore", "--stderrthreshold=LOUD", "--stderrthreshold=LOUD: not a severity: INFO, WARNING, ERROR, FATAL (any case) or a number")]
    [InlineData("validate", "--stderrthreshold=2.5", "--stderrthreshold=2.5: not a severity")]
    [InlineData("version", "--log-flush-frequency=abc", "--log-flush-frequency=abc: not a duration such as 5s, 1m30s or 0")]
    [InlineData("restore", "--log_flush_frequency=5", "--log_flush_frequency=5: not a duration")]
    [InlineData("restore", "--backoff-max-wait=soon", "--backoff-max-wait=soon: not a duration")]
    [InlineData("restore", "--logtostderr=yes", "--logtostderr=yes: not a boolean")]
    [InlineData("version", "--bypass-validating-webhook-xray=on", "--bypass-validating-webhook-xray=on: not a boolean")]
    [InlineData("version", "--v=loud", "--v=loud: not a number")]
    [InlineData("restore", "--v=9999999999", "--v=9999999999: not a number")]
    [InlineData("version", "--vmodule=restore", "--vmodule=restore: syntax error: expect comma-separated list of filename=N")]
    [InlineData("version", "--vmodule=restore=-1", "--vmodule=restore=-1: negative value for vmodule level")]
    [InlineData("version", "--log_backtrace_at=restore:12", "--log_backtrace_at=restore:12: syntax error: expect file.go:234")]
    [InlineData("version", "--log_backtrace_at=restore.go:0", "--log_backtrace_at=restore.go:0: negative or zero value for level")]
    [InlineData("version", "--log_file_max_size=-1", "--log_file_max_size=-1: not a size in megabytes")]
    [InlineData("version", "--logtostderr=", "--logtostderr=: not a boolean")]
    public async Task A_value_klog_or_pflag_refuses_is_invalid_input_in_one_line(string command, string flag, string expected)
    {
        var (code, output, error) = await RunAsync([.. Quiet(command), flag]);

        Assert.Equal(ExitCodes.InvalidInput, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith($"error: {expected}", line, StringComparison.Ordinal);
        Assert.EndsWith($"; see 'stash-restore {command} --help'", line, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("restore")]
    [InlineData("validate")]
    [InlineData("version")]
    public async Task An_unknown_option_is_still_exit_2_in_one_line(string command)
    {
        var (code, output, error) = await RunAsync([command, "--nope", .. Quiet(command)[1..]]);

        Assert.Equal(ExitCodes.InvalidInput, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: unknown option '--nope'", line, StringComparison.Ordinal);
        Assert.EndsWith($"; see 'stash-restore {command} --help'", line, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task All_flags_at_once_give_one_warning_naming_each_as_spelled()
    {
        var given = Flags.Select(f => f.Value is null ? f.Flag : $"{f.Flag}={f.Value}").ToArray();

        var (_, _, error) = await RunAsync(["version", .. given, "--v=2", "-v", "3"]);

        // Both spellings of one flag are one flag: it is named once, as first spelled.
        AssertOneWarningNaming(error, "--v");
        var warning = Assert.Single(Lines(error), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        foreach (var flag in OperatorCompatibilityFlags.Klog.Concat(OperatorCompatibilityFlags.Operator).Where(f => Flags.Any(g => f.Names.Contains(g.Flag))))
            Assert.Single(flag.Names, name => System.Text.RegularExpressions.Regex.IsMatch(warning, $@"(^| ){System.Text.RegularExpressions.Regex.Escape(name)}(,|$| are)"));
    }

    [Theory]
    [InlineData("--v=4")]
    [InlineData("--v 4")]
    [InlineData("-v 4")]
    [InlineData("-v=4")]
    [InlineData("-v4")]
    public void V_in_each_pflag_form_maps_to_a_level_on_restore_and_is_not_named_in_the_warning(string verbosity)
    {
        var flags = new RestoreFlags();
        var restore = new System.CommandLine.Command("restore");
        flags.AddTo(restore);
        var parse = new System.CommandLine.RootCommand { restore }.Parse(["restore", .. verbosity.Split(' '), "--logtostderr=true"]);
        Assert.Empty(parse.Errors);

        var options = flags.Bind(parse);

        Assert.Equal(4, options.Verbosity);
        Assert.Equal(Serilog.Events.LogEventLevel.Verbose, options.LogOptions(errorIsTerminal: false).MinimumLevel);
        Assert.Equal(["--logtostderr"], options.NoEffectFlagsGiven);
    }

    [Fact]
    public void The_set_is_the_one_every_command_adds()
    {
        var root = CliApp.Build(new CliHost(new Dictionary<string, string>(), TextWriter.Null, TextWriter.Null, TimeProvider.System,
            new ProcessRunner(), "test", false, new Interruption()));
        var expected = OperatorCompatibilityFlags.Klog.Concat(OperatorCompatibilityFlags.Operator).SelectMany(f => f.Names).Append("--v").Append("-v").ToHashSet();
        foreach (var command in root.Subcommands)
        {
            var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet();
            Assert.Superset(expected, names);
        }
        Assert.Contains("--backoff-max-wait", root.Subcommands.Single(c => c.Name == "restore").Options.Select(o => o.Name));
    }
}
