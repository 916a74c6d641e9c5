using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>The labels Stash's metrics carry (SPEC §10), from the loaded session and the invoker kind.</summary>
public sealed class StashMetricsLabelsTests
{
    private static StashInputs Inputs(RestoreSession session) => new(
        session, new Repository { Metadata = new ObjectMeta { Name = "gcs-repo", Namespace = "demo" } },
        new Dictionary<string, string>(), new PodIdentity(null, null, null, null, null), null);

    [Fact]
    public void Labels_name_the_session_repository_and_target()
    {
        var session = new RestoreSession
        {
            Metadata = new ObjectMeta { Name = "sts-restore", Namespace = "demo" },
            Spec = new RestoreSessionSpec
            {
                Driver = "Restic",
                Target = new RestoreTarget { Ref = new TargetReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "recovered-sts" } },
            },
        };

        var labels = StashMetricsLabels.From(Inputs(session), invokerKind: null);

        Assert.Equal(new Core.Metrics.RestoreMetricsLabels("RestoreSession", "sts-restore", "demo", "Restic", "gcs-repo", "StatefulSet", "apps", "recovered-sts"), labels);
        Assert.Equal("restoresession-demo-sts-restore", labels.JobName);
    }

    [Fact]
    public void The_operators_invoker_kind_is_kept_and_missing_fields_are_empty()
    {
        // A stand-alone PVC job: no target apiVersion group, no driver written.
        var session = new RestoreSession
        {
            Metadata = new ObjectMeta { Name = "pvc-restore", Namespace = "demo" },
            Spec = new RestoreSessionSpec { Target = new RestoreTarget { Ref = new TargetReference { ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = "data" } } },
        };

        var labels = StashMetricsLabels.From(Inputs(session), invokerKind: "RestoreSession");
        var bare = StashMetricsLabels.From(Inputs(new RestoreSession { Metadata = new ObjectMeta { Name = "x", Namespace = "demo" } }), invokerKind: "restoresession");

        Assert.Equal(("RestoreSession", "Restic", "", "PersistentVolumeClaim"), (labels.InvokerKind, labels.Driver, labels.TargetGroup, labels.TargetKind));
        Assert.Equal(("restoresession", "", "", ""), (bare.InvokerKind, bare.TargetKind, bare.TargetGroup, bare.TargetName));
        Assert.Equal("restoresession-demo-x", bare.JobName);
    }
}
