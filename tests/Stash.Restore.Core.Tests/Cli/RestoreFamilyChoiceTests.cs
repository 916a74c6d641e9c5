using System.CommandLine;
using Stash.Restore.Cli;
using Stash.Restore.Cli.Commands;
using Stash.Restore.Core.Input;

namespace Stash.Restore.Core.Tests.Cli;

/// <summary>
/// The one map from a <c>restore</c> invocation to its family (SPEC §15), on the arguments the operators
/// really pass, parsed by the real flags: offline the session document's apiVersion decides, in a
/// cluster the invocation does, and only a manual run naming just the session is left to reading it.
/// </summary>
public sealed class RestoreFamilyChoiceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("family-choice-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RestoreOptions Options(params string[] args)
    {
        var flags = new RestoreFlags();
        var restore = new Command("restore");
        flags.AddTo(restore);
        var root = new RootCommand { restore };
        // As the executable parses them: an empty value (--snapshot=) is given as "".
        var parse = root.Parse(CliApp.SplitEmptyValues(root, ["restore", .. args]));
        Assert.Empty(parse.Errors);
        return flags.Bind(parse);
    }

    private static RestoreFamilyChoice? Choose(params string[] args) => RestoreFamilyChoice.FromInvocation(Options(args), null);

    /// <summary>KubeStash's workload-restore and pvc-restore Functions, with every optional value empty as <c>${x:=}</c> leaves it.</summary>
    public static TheoryData<string[]> KubeStashFunctions => new()
    {
        { ["--namespace=demo", "--restoresession=sample-restore", "--snapshot=", "--enable-cache=", "--scratch-dir=", "--exclude=", "--include="] },
        { ["--namespace=demo", "--restoresession=sample-restore", "--snapshot=latest", "--enable-cache=true", "--scratch-dir=/kubestash-tmp", "--exclude=", "--include=/data"] },
        { ["--namespace=demo", "--restoresession=sample-restore", "--snapshot=", "--enable-cache=", "--scratch-dir="] },
    };

    [Theory]
    [MemberData(nameof(KubeStashFunctions))]
    public void A_KubeStash_Function_is_KubeStash_without_reading_the_session(string[] args)
    {
        var choice = Choose(args);

        Assert.NotNull(choice);
        Assert.Equal(RestoreFamily.KubeStash, choice.Family);
        Assert.Equal("--snapshot", choice.DecidedBy);
    }

    /// <summary>Stash's operator: the init-container, the restore Job model, and an older init-container with the Secret mounted.</summary>
    public static TheoryData<string[], string> StashOperator => new()
    {
        { ["--invoker-kind=RestoreSession", "--invoker-name=sts-restore", "--target-kind=StatefulSet", "--target-name=db", "--target-namespace=demo",
            "--restore-model=init-container", "--enable-cache=true", "--max-connections=0", "--metrics-enabled=true",
            "--logtostderr=true", "--alsologtostderr=false", "--v=3", "--stderrthreshold=2"], "--restore-model" },
        { ["--invoker-kind=RestoreSession", "--invoker-name=pvc-restore", "--target-kind=PersistentVolumeClaim", "--target-name=data", "--restore-model=job"], "--restore-model" },
        { ["--restoresession=sts-restore", "--namespace=demo", "--secret-dir=/etc/stash/repository/secret"], "--secret-dir" },
        { ["--invoker-name=sts-restore", "--namespace=demo"], "--invoker-name" },
        { ["--restoresession=sts-restore", "--target-name=db"], "--target-name" },
    };

    [Theory]
    [MemberData(nameof(StashOperator))]
    public void A_Stash_operator_invocation_is_Stash_without_reading_the_session(string[] args, string decidedBy)
    {
        var choice = Choose(args);

        Assert.NotNull(choice);
        Assert.Equal(RestoreFamily.Stash, choice.Family);
        Assert.Equal(decidedBy, choice.DecidedBy);
    }

    [Fact]
    public void A_manual_run_naming_only_the_session_is_left_to_the_session()
    {
        Assert.Null(Choose("--restoresession=x", "-n", "demo"));
        // Contradicting flags decide nothing either: the session does.
        Assert.Null(Choose("--restoresession=x", "--snapshot=", "--secret-dir=/s"));
    }

    [Fact]
    public void A_run_naming_no_session_is_Stash_whose_session_choice_says_what_is_missing()
    {
        Assert.Equal(RestoreFamily.Stash, Choose("--namespace=demo")!.Family);
    }

    [Fact]
    public void A_restoresession_file_is_Stash()
    {
        Assert.Equal(RestoreFamily.Stash, Choose("--restoresession-file=rs.yaml", "--repository-file=repo.yaml", "--secret-dir=s")!.Family);
    }

    private ObjectSet Objects(string yaml)
    {
        var path = Path.Combine(_directory, $"objects-{Directory.GetFiles(_directory).Length}.yaml");
        File.WriteAllText(path, yaml);
        return ObjectSet.Read([path], "demo");
    }

    private const string StashSession = """
        apiVersion: stash.appscode.com/v1beta1
        kind: RestoreSession
        metadata: {name: sts-restore, namespace: demo}
        spec: {repository: {name: repo}}
        """;

    private const string KubeStashSession = """
        apiVersion: core.kubestash.com/v1alpha1
        kind: RestoreSession
        metadata: {name: sample-restore, namespace: demo}
        spec: {dataSource: {repository: repo, snapshot: latest}}
        """;

    [Fact]
    public void Offline_the_objects_sessions_apiVersion_decides()
    {
        var stash = RestoreFamilyChoice.FromInvocation(Options("--objects=x.yaml"), Objects(StashSession))!;
        var kubeStash = RestoreFamilyChoice.FromInvocation(Options("--objects=x.yaml"), Objects(KubeStashSession))!;
        // The invocation's Stash-looking flags do not override the document.
        var kubeStashWithSecretDir = RestoreFamilyChoice.FromInvocation(Options("--objects=x.yaml", "--secret-dir=/s"), Objects(KubeStashSession))!;

        Assert.Equal(RestoreFamily.Stash, stash.Family);
        Assert.Equal(RestoreFamily.KubeStash, kubeStash.Family);
        Assert.Equal(RestoreFamily.KubeStash, kubeStashWithSecretDir.Family);
    }

    [Fact]
    public void Offline_with_both_families_the_named_session_decides()
    {
        var both = StashSession + "\n---\n" + KubeStashSession;

        Assert.Equal(RestoreFamily.Stash, RestoreFamilyChoice.FromInvocation(Options("--objects=x.yaml", "--restoresession=sts-restore"), Objects(both))!.Family);
        Assert.Equal(RestoreFamily.KubeStash, RestoreFamilyChoice.FromInvocation(Options("--objects=x.yaml", "--restoresession=sample-restore"), Objects(both))!.Family);
    }

    [Fact]
    public void Objects_without_a_session_of_either_family_are_invalid_input_naming_both()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            RestoreFamilyChoice.FromInvocation(Options("--objects=x.yaml"), Objects("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: demo}\ndata: {}\n")));

        Assert.Equal("the --objects files hold no RestoreSession (stash.appscode.com/v1beta1 or core.kubestash.com/v1alpha1)", error.Message);
    }
}
