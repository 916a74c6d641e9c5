using Stash.Restore.Core.Families.KubeStash;

namespace Stash.Restore.Core.Tests.Families.KubeStash;

public sealed class ComponentChoiceTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static RestoreSession AllComponents() =>
        KubeStashSamples.SessionWithSpec("addon:\n  name: workload-addon\n  tasks:\n  - name: logical-backup-restore\ndataSource:\n  repository: gcs-demo-repo\n  snapshot: latest");

    [Fact]
    public void The_flag_wins_over_both_environment_variables()
    {
        var environment = new Dictionary<string, string> { ["COMPONENT_NAME"] = "pod-1", ["KUBESTASH_COMPONENT_NAME"] = "pod-2" };

        var choice = ComponentChoice.Choose("pod-0", environment, KubeStashSamples.ReadSession(), KubeStashSamples.ReadSnapshot());

        Assert.Equal(new ComponentChoice("pod-0", "--component"), choice);
    }

    [Fact]
    public void COMPONENT_NAME_wins_over_KUBESTASH_COMPONENT_NAME_and_empty_values_are_unset()
    {
        var first = ComponentChoice.Choose("", new Dictionary<string, string> { ["COMPONENT_NAME"] = "pod-2", ["KUBESTASH_COMPONENT_NAME"] = "pod-0" }, KubeStashSamples.ReadSession(), KubeStashSamples.ReadSnapshot());
        var second = ComponentChoice.Choose(null, new Dictionary<string, string> { ["COMPONENT_NAME"] = " ", ["KUBESTASH_COMPONENT_NAME"] = "pod-0" }, KubeStashSamples.ReadSession(), KubeStashSamples.ReadSnapshot());

        Assert.Equal(new ComponentChoice("pod-2", "COMPONENT_NAME"), first);
        Assert.Equal(new ComponentChoice("pod-0", "KUBESTASH_COMPONENT_NAME"), second);
    }

    [Fact]
    public void The_only_selected_component_needs_no_name()
    {
        var session = KubeStashSamples.SessionWithSpec("dataSource:\n  snapshot: s\n  components: [pod-1]");

        var choice = ComponentChoice.Choose(null, NoEnvironment, session, KubeStashSamples.ReadSnapshot());

        Assert.Equal(new ComponentChoice("pod-1", "the only selected component"), choice);
    }

    [Fact]
    public void Several_selected_and_no_name_is_invalid_input_listing_the_choices()
    {
        var error = Assert.Throws<InvalidInputException>(() => ComponentChoice.Choose(null, NoEnvironment, AllComponents(), KubeStashSamples.ReadSnapshot()));

        Assert.Equal(
            "RestoreSession demo/sample-restore: 3 components are selected (pod-0, pod-1, pod-2); name one with --component, COMPONENT_NAME or KUBESTASH_COMPONENT_NAME",
            error.Message);
        Assert.Equal(ExitCodes.InvalidInput, error.ExitCode);
    }

    [Fact]
    public void A_name_outside_the_session_list_is_invalid_input_listing_the_choices()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            ComponentChoice.Choose(null, new Dictionary<string, string> { ["COMPONENT_NAME"] = "pod-1" }, KubeStashSamples.ReadSession(), KubeStashSamples.ReadSnapshot()));

        Assert.Equal(
            "RestoreSession demo/sample-restore: component \"pod-1\" (from COMPONENT_NAME) is not in spec.dataSource.components (choices: pod-0, pod-2)",
            error.Message);
    }

    [Fact]
    public void A_component_the_Snapshot_lacks_gets_the_failure_message_for_its_entry()
    {
        var snapshot = KubeStashSamples.ReadSnapshot();
        var choice = ComponentChoice.Choose("dump-pod-3", NoEnvironment, AllComponents(), snapshot);

        Assert.Equal(
            "component \"dump-pod-3\" not found in snapshot \"gcs-demo-repo-sample-backup-sts-demo-session-1702543201\" (it has: pod-0, pod-1, pod-2)",
            choice.MissingFrom(snapshot));
        Assert.Null(new ComponentChoice("pod-1", "x").MissingFrom(snapshot));
    }
}
