using System.CommandLine;
using Stash.Restore.Cli.Commands;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Cli;

/// <summary>The flags are bound once into <see cref="RestoreOptions"/>: every flag reaches it, and the defaults are the record's.</summary>
public sealed class RestoreFlagsBindTests
{
    /// <summary>A value other than the default, for flags whose values are restricted or typed.</summary>
    private static readonly Dictionary<string, string[]> SpecialValues = new(StringComparer.Ordinal)
    {
        ["--enable-cache"] = ["false"],
        ["--preview"] = ["false"],
        ["--output"] = ["json"],
        ["--log-format"] = ["json"],
        ["--restore-model"] = ["job"],
        ["--repository-timeout"] = ["30s"],
        ["--stall-timeout"] = ["90s"],
        ["--api-retry-timeout"] = ["45s"],
        ["--hook-timeout"] = ["00:01:00"],
        ["--v"] = ["4"],
        ["--stderrthreshold"] = ["INFO"],
        ["--log_file_max_size"] = ["10"],
        ["--vmodule"] = ["restore=2"],
        ["--log_backtrace_at"] = ["main.go:12"],
        ["--log-flush-frequency"] = ["5s"],
        ["--backoff-max-wait"] = ["30s"],
        ["--max-connections"] = ["7"],
        ["--replicas"] = ["3"],
    };

    private static (RestoreFlags Flags, RootCommand Root) Build()
    {
        var flags = new RestoreFlags();
        var restore = new Command("restore");
        flags.AddTo(restore);
        return (flags, new RootCommand { restore });
    }

    private static RestoreOptions Bind(params string[] args)
    {
        var (flags, root) = Build();
        var parse = root.Parse(["restore", .. args]);
        Assert.Empty(parse.Errors);
        return flags.Bind(parse);
    }

    /// <summary>The record as text, lists included (a record's ToString prints only their type).</summary>
    private static string Describe(RestoreOptions options) =>
        $"{options with { Objects = [], NoEffectFlagsGiven = [] }} objects=[{string.Join(',', options.Objects)}] ignored=[{string.Join(',', options.NoEffectFlagsGiven)}]";

    public static TheoryData<string> FlagNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var option in Build().Root.Subcommands[0].Options)
                data.Add(option.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FlagNames))]
    public void Every_flag_changes_the_bound_options(string name)
    {
        var option = Build().Root.Subcommands[0].Options.Single(o => o.Name == name);
        string[] value = SpecialValues.TryGetValue(name, out var special) ? special
            : option.ValueType == typeof(bool) ? []
            : option.HelpName == "true|false" ? ["true"]
            : ["some-value"];

        var bound = Bind([name, .. value]);

        Assert.NotEqual(Describe(Bind()), Describe(bound));
    }

    [Fact]
    public void Without_flags_the_bound_options_are_the_records_defaults()
    {
        var bound = Bind();

        Assert.Empty(bound.Objects);
        Assert.Empty(bound.NoEffectFlagsGiven);
        Assert.Equal(new RestoreOptions { Objects = bound.Objects, NoEffectFlagsGiven = bound.NoEffectFlagsGiven }, bound);
    }

    [Fact]
    public void Values_reach_their_fields()
    {
        var bound = Bind(
            "--restore-session", "rs", "-n", "demo", "--invoker-kind", "RestoreSession", "--invoker-name", "inv", "--secret-dir", "/secret",
            "--enable-cache=false", "--max-connections", "4", "--objects", "a.yaml", "--objects", "b.yaml", "--repository-timeout", "0",
            "--hook-timeout", "00:00:30", "--own-container", "app", "--logtostderr=true", "--service-name", "stash-operator", "-o", "json");

        Assert.Equal(("rs", "demo", "RestoreSession", "inv", "/secret"), (bound.RestoreSession, bound.Namespace, bound.InvokerKind, bound.InvokerName, bound.SecretDir));
        Assert.False(bound.EnableCache);
        Assert.Equal(4, bound.MaxConnections);
        Assert.Equal(["a.yaml", "b.yaml"], bound.Objects);
        Assert.Equal(TimeSpan.Zero, bound.RepositoryTimeout);
        Assert.Equal((TimeSpan.FromSeconds(30), "app"), (bound.HookTimeout, bound.OwnContainer));
        Assert.Equal(["--logtostderr", "--service-name"], bound.NoEffectFlagsGiven);
        Assert.True(bound.JsonOutput);
    }

    [Theory]
    [InlineData(CliAppTests.InitContainerList)]
    [InlineData(CliAppTests.InitContainerV017List)]
    [InlineData(CliAppTests.RestoreJobList)]
    public void The_logger_flags_of_todays_operators_are_named_in_one_warning_and_v_is_kept_as_a_level(string commandLine)
    {
        var flags = new Stash.Restore.Cli.Commands.RestoreFlags();
        var restore = new System.CommandLine.Command("restore");
        flags.AddTo(restore);
        var parse = new System.CommandLine.RootCommand { restore }.Parse(commandLine.Split(' '));
        Assert.Empty(parse.Errors);

        var options = flags.Bind(parse);

        Assert.Equal(3, options.Verbosity);
        Assert.Equal(["--logtostderr", "--alsologtostderr", "--stderrthreshold", "--use-kubeapiserver-fqdn-for-aks"], options.NoEffectFlagsGiven);
        Assert.Equal(
            "Flags --logtostderr, --alsologtostderr, --stderrthreshold, --use-kubeapiserver-fqdn-for-aks are accepted for compatibility with Stash operators and have no effect",
            Stash.Restore.Cli.Commands.OperatorCompatibilityFlags.Warning(options.NoEffectFlagsGiven));
    }
}
