using System.CommandLine;
using Stash.Restore.Cli;
using Stash.Restore.Cli.Commands;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Processes;

namespace Stash.Restore.Core.Tests.Cli;

/// <summary>The restore Job's commands take the exact argument lists of Stash's Functions (pkg/util/crds.go, util.HookExecutorContainer).</summary>
public sealed class StashJobFlagsTests
{
    /// <summary>Function pvc-restore as the resolver fills it for an S3 Repository; <c>${X:=}</c> left empty where Stash leaves it so.</summary>
    public const string PvcRestoreList =
        "restore-pvc --provider=s3 --bucket=stash-backup --endpoint=https://minio.storage:9000 --insecure-tls=false --region= --path=pvc/demo "
        + "--enable-cache=true --max-connections=0 --hostname= --restore-paths=/stash-data,/stash-data/more --include= --exclude=*.tmp "
        + "--args=--no-lock --snapshots= --output-dir=/stash-tmp/output --invoker-kind=RestoreSession --invoker-name=pvc-restore "
        + "--storage-secret-name=minio-secret --storage-secret-namespace=demo --target-kind=PersistentVolumeClaim --target-name=data "
        + "--target-namespace=demo --scratch-dir=/stash-tmp";

    public const string UpdateStatusList =
        "update-status --provider=s3 --bucket=stash-backup --endpoint=https://minio.storage:9000 --insecure-tls=false --region= --path=pvc/demo "
        + "--enable-cache=true --max-connections=0 --namespace=demo --backupsession= --storage-secret-name=minio-secret --storage-secret-namespace=demo "
        + "--invoker-kind=RestoreSession --invoker-name=pvc-restore --target-kind=PersistentVolumeClaim --target-name=data --target-namespace=demo "
        + "--output-dir=/stash-tmp/output --metrics-enabled=true --scratch-dir=/stash-tmp --metrics-pushgateway-url=http://stash-operator.kube-system.svc:56789 "
        + "--metrics-labels=team=db";

    public const string RunHookList =
        "run-hook --backupsession= --invoker-kind=RestoreSession --invoker-name=pvc-restore --target-kind=PersistentVolumeClaim "
        + "--target-namespace=demo --target-name=data --hook-type=postRestore --hostname= --output-dir=/stash-tmp/output --metrics-enabled=true "
        + "--metrics-pushgateway-url=http://stash-operator.kube-system.svc:56789";

    public static TheoryData<string> FunctionLists => new() { PvcRestoreList, UpdateStatusList, RunHookList };

    private static CliHost Host() => new(new Dictionary<string, string>(), TextWriter.Null, TextWriter.Null, TimeProvider.System,
        new ProcessRunner(), "test", false, new Interruption());

    private static ParseResult Parse(string commandLine)
    {
        var root = CliApp.Build(Host());
        return root.Parse(CliApp.SplitEmptyValues(root, commandLine.Split(' ')));
    }

    [Theory]
    [MemberData(nameof(FunctionLists))]
    public void The_Functions_argument_lists_parse_without_errors(string commandLine)
    {
        var parse = Parse(commandLine);
        Assert.Empty(parse.Errors);
        Assert.Empty(parse.UnmatchedTokens);
        Assert.Equal(commandLine.Split(' ')[0], parse.CommandResult.Command.Name);
    }

    [Fact]
    public void The_pvc_restore_arguments_reach_their_places()
    {
        var flags = new StashJobFlags();
        var command = new Command("restore-pvc");
        flags.AddTo(command, [.. flags.SessionFlags, .. flags.BackendFlags, flags.Hostname, flags.RestorePaths, flags.Snapshots, flags.Include, flags.Exclude, flags.Args, flags.OutputDir, flags.Shared.ScratchDir]);
        var root = new RootCommand { command };
        var parse = root.Parse(CliApp.SplitEmptyValues(root, PvcRestoreList.Split(' ')));
        Assert.Empty(parse.Errors);

        var arguments = flags.BindPvcRestore(parse);
        Assert.Equal(new Core.Families.Stash.FunctionBackend("s3", "stash-backup", "https://minio.storage:9000", "", "pvc/demo", false), arguments.Backend);
        Assert.Equal(["/stash-data", "/stash-data/more"], arguments.RestorePaths);
        Assert.Empty(arguments.Snapshots);
        Assert.Empty(arguments.Include);
        Assert.Equal(["*.tmp"], arguments.Exclude);
        Assert.Equal(["--no-lock"], arguments.Args);
        Assert.Equal(("minio-secret", "demo", "/stash-tmp/output"), (arguments.StorageSecretName, arguments.StorageSecretNamespace, arguments.OutputDir));
        Assert.True(string.IsNullOrEmpty(arguments.Hostname));

        // The shared flags bind as restore binds them; the ones this command lacks keep restore's defaults.
        var options = flags.Bind(parse);
        Assert.Equal(("RestoreSession", "pvc-restore", "PersistentVolumeClaim", "data", "demo"),
            (options.InvokerKind, options.InvokerName, options.TargetKind, options.TargetName, options.TargetNamespace));
        Assert.Equal(("/stash-tmp", true, 0), (options.ScratchDir, options.EnableCache, options.MaxConnections));
        Assert.Equal(TimeSpan.FromMinutes(2), options.RepositoryTimeout);
        Assert.Equal(Core.Hooks.HookExecutorOptions.DefaultOwnContainerName, options.OwnContainer);
    }

    [Fact]
    public void The_update_status_metrics_flags_reach_their_places()
    {
        var parse = Parse(UpdateStatusList);
        Assert.True(parse.GetValue<bool>("--metrics-enabled"));
        Assert.Equal("http://stash-operator.kube-system.svc:56789", parse.GetValue<string?>("--metrics-pushgateway-url"));
        Assert.Equal(["team=db"], parse.GetValue<string[]>("--metrics-labels") ?? []);
    }

    [Theory]
    [InlineData("restore-pvc")]
    [InlineData("update-status")]
    [InlineData("run-hook")]
    public async Task An_unknown_option_still_exits_2_with_one_line(string command)
    {
        using var error = new StringWriter();
        var host = Host() with { Error = error };
        Assert.Equal(ExitCodes.InvalidInput, await CliApp.RunAsync(host, [command, "--nope"], CancellationToken.None));
        Assert.Equal($"error: unknown option '--nope'; see 'stash-restore {command} --help'", error.ToString().Trim());
    }
}
