using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Families.Stash;
using Stash.Restore.Core.Hooks;
using Stash.Restore.Core.Input;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Processes;
using Stash.Restore.Core.Restic;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Tests.Fakes;

namespace Stash.Restore.Core.Tests.Families.Stash;

/// <summary>An in-memory status store that also keeps every write, in order.</summary>
internal sealed class RecordingStatusStore : IHostStatusStore
{
    private readonly InMemoryHostStatus _inner;

    public RecordingStatusStore(RestoreSessionStatus? initial = null) => _inner = new InMemoryHostStatus(initial);

    public List<HostRestoreStats> Writes { get; } = [];
    public RestoreSessionStatus? Current => _inner.Current;

    public Task<HostRestoreStats?> GetAsync(string hostname, CancellationToken cancellationToken) => _inner.GetAsync(hostname, cancellationToken);

    /// <summary>What happens before each entry is written (e.g. the API down: it throws, and nothing is written).</summary>
    public Func<HostRestoreStats, CancellationToken, Task> BeforeUpsert { get; set; } = (_, _) => Task.CompletedTask;

    public async Task UpsertAsync(HostRestoreStats entry, CancellationToken cancellationToken)
    {
        await BeforeUpsert(entry, cancellationToken);
        Writes.Add(entry);
        await _inner.UpsertAsync(entry, cancellationToken);
    }

    /// <summary>What happens before each condition is written (e.g. the API down: it throws, and nothing is written).</summary>
    public Func<Condition, CancellationToken, Task> BeforeCondition { get; set; } = (_, _) => Task.CompletedTask;

    public async Task SetConditionAsync(Condition condition, CancellationToken cancellationToken)
    {
        await BeforeCondition(condition, cancellationToken);
        await _inner.SetConditionAsync(condition, cancellationToken);
    }
}

/// <summary>One pipeline with fakes around it, and the session it restores.</summary>
internal sealed class PipelineRig
{
    public const string Password = "correct-horse-battery";

    public FakeResticRestore Restic { get; } = new();
    public FakeHookExecutor Hooks { get; } = new();
    public RecordingStatusStore Status { get; init; } = new();
    public RecordingEvents Events { get; } = new();
    public LosableClaims Claims { get; } = new();
    public Interruption Interruption { get; } = new();
    public SecretMasker Masker { get; } = new();

    /// <summary>The pipeline's clock: the system's unless a test watches the timers it arms.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public RestoreSession Session { get; set; } = new()
    {
        ApiVersion = RestoreSession.ApiVersionV1Beta1,
        Kind = RestoreSession.KindName,
        Metadata = new ObjectMeta { Name = "sts-restore", Namespace = "demo" },
        Spec = new RestoreSessionSpec
        {
            Target = new RestoreTarget
            {
                Ref = new TargetReference { Kind = "StatefulSet", Name = "db" },
                Rules = [new RestoreRule { TargetHosts = ["host-3"], SourceHost = "host-1", Paths = ["/data"] }, new RestoreRule { Paths = ["/data"] }],
            },
        },
    };

    public Task<UnitOutcome> RunAsync(string podName = "db-2", CancellationToken cancellationToken = default)
    {
        var parts = new RestoreParts<IHostStatusStore>(Restic, Hooks, Status, Events, Claims, null, Masker, new LoggerConfiguration().CreateLogger(), Clock);
        var pipeline = new StashHostRestore(parts, new RestoreSettings("/restore", "/tmp/scratch"), Interruption);
        // The loader registers the Secret's values where it reads them.
        Masker.Add(Password);
        var inputs = new StashInputs(Session, new Repository { Metadata = new ObjectMeta { Name = "repo" }, Spec = new RepositorySpec { Backend = new BackendSpec { Local = new LocalSpec { MountPath = "/repo" } } } },
            new Dictionary<string, string> { ["RESTIC_PASSWORD"] = Password }, new PodIdentity(podName, "demo", null, null, null), null);
        return pipeline.RestoreAsync(inputs, cancellationToken);
    }

    public RestoreSession WithSpec(Func<RestoreSessionSpec, RestoreSessionSpec> change) => Session = Session with { Spec = change(Session.Spec) };
}
