using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Kubernetes;

namespace Stash.Restore.Core.Cluster;

/// <summary>The engine's seams made of one run's <see cref="KubernetesClient"/>: Events and unit claims.</summary>
internal static class ClusterSeams
{
    /// <param name="podName">This pod (POD_NAME), shown as the events' source.</param>
    /// <param name="log">The session's logger, so warnings name the session and unit.</param>
    public static IRestoreEventRecorder EventRecorder(this KubernetesClient client, EventTarget target, string? podName, ILogger? log = null) =>
        new KubernetesEventRecorder(client.Api, target, podName, client.Masker, client.TimeProvider, log ?? client.Logger, client.Random);

    /// <summary>Claims on the units of one session, as Leases named and logged per <paramref name="scope"/>.</summary>
    /// <param name="podName">This pod (POD_NAME); a per-process suffix makes the holder unique.</param>
    /// <param name="log">The session's logger, so "Claimed host …" names the session.</param>
    public static IUnitClaims UnitClaims(this KubernetesClient client, LeaseClaimScope scope, string @namespace, string sessionName, string podName, LeaseClaimOptions? options = null, ILogger? log = null) =>
        new LeaseUnitClaims(client.Api, @namespace, sessionName, LeaseUnitClaims.NewHolderIdentity(podName, client.Random), options ?? LeaseClaimOptions.Default, client.TimeProvider, log ?? client.Logger, scope);
}
