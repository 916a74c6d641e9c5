using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Cluster;

/// <summary>
/// Unit claims as <c>coordination.k8s.io/v1</c> Leases, one per (session, unit): executors
/// that resolve to the same Stash host (all Deployment replicas are host-0) or the same KubeStash
/// component take turns; different units run in parallel.
/// </summary>
/// <remarks>
/// A claim is taken by creating the Lease, or by updating — at the resourceVersion read — a
/// Lease whose holder is empty or whose <c>renewTime + leaseDurationSeconds</c> has passed.
/// The holder renews it every <see cref="LeaseClaimOptions.RenewInterval"/>; <see cref="IUnitClaim.Lost"/>
/// fires when a renewal finds another holder or renewals have failed for a whole lease
/// duration (by then another executor may have taken it over). Dispose clears the holder.
/// Leases are optional permissions (SPEC §15: several operators grant none): a Lease call answered
/// 403 Forbidden means the unit is restored unclaimed, said once in a warning naming what to grant.
/// </remarks>
internal sealed class LeaseUnitClaims : IUnitClaims
{
    // DNS-1123 label length: the name also fits where a label is required.
    private const int MaxNameLength = 63;
    private const int HashLength = 10;

    private readonly IKubernetesApi _api;
    private readonly string _namespace;
    private readonly string _sessionName;
    private readonly string _holderIdentity;
    private readonly LeaseClaimOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly LeaseClaimScope _scope;
    private int _forbiddenSaid;

    /// <summary>What grants the claims, for the one warning a 403 on a Lease call gives.</summary>
    public const string PermissionHint =
        "grant the executor's service account coordination.k8s.io leases get/create/update in this namespace " +
        "(the ClusterRole stash-restore-leases of docs/install.md#lease-claims, bound with a RoleBinding)";

    /// <param name="holderIdentity">Unique per process: see <see cref="NewHolderIdentity"/>.</param>
    /// <param name="scope">Lease prefix and unit kind: the family's (Stash hosts, KubeStash components).</param>
    public LeaseUnitClaims(IKubernetesApi api, string @namespace, string sessionName, string holderIdentity, LeaseClaimOptions options, TimeProvider timeProvider, ILogger logger,
        LeaseClaimScope scope)
    {
        _scope = scope;
        _api = api;
        _namespace = @namespace;
        _sessionName = sessionName;
        _holderIdentity = holderIdentity;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The pod name plus a per-process suffix: a restarted container is a new holder.</summary>
    /// <param name="random">Where the suffix comes from; the system generator when not given.</param>
    public static string NewHolderIdentity(string podName, IRandomSource? random = null) =>
        $"{podName}_{(random ?? new SystemRandomSource()).HexDigits(8)}";

    /// <summary><c>&lt;prefix&gt;-&lt;session&gt;-&lt;unit&gt;</c> as a DNS-1123 name; hashed when it had to change or is too long.</summary>
    public static string LeaseName(string sessionName, string hostname, LeaseClaimScope scope)
    {
        var raw = $"{scope.LeasePrefix}-{sessionName}-{hostname}";
        var sanitized = new StringBuilder(raw.Length);
        foreach (var c in raw.ToLowerInvariant())
            sanitized.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' ? c : '-');
        var name = sanitized.ToString().Trim('-');
        if (name == raw && name.Length <= MaxNameLength)
            return name;
        // Different hosts may sanitise to the same text (a_b, a.b, A-B): the hash of the original keeps them apart.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..HashLength];
        var prefix = name.Length > MaxNameLength - HashLength - 1 ? name[..(MaxNameLength - HashLength - 1)] : name;
        return $"{prefix.TrimEnd('-')}-{hash}";
    }

    public async Task<IUnitClaim> AcquireAsync(string hostname, CancellationToken cancellationToken)
    {
        var name = LeaseName(_sessionName, hostname, _scope);
        var log = _logger.ForContext(_scope.LogProperty, hostname);
        string? lastHolder = null;
        while (true)
        {
            V1Lease? lease;
            string? holder;
            try
            {
                (lease, holder) = await TryAcquireOnceAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
            {
                SayForbiddenOnce(log, e, $"restoring {_scope.UnitKind} {hostname} without a claim, so pods that resolve to the same {_scope.UnitKind} may restore it at the same time");
                return UncontendedClaims.Unclaimed;
            }
            if (lease is not null)
            {
                log.Information("Claimed {UnitKind:l} {Unit} (Lease {Namespace}/{Lease})", _scope.UnitKind, hostname, _namespace, name);
                return new HeldLease(this, hostname, lease, log);
            }
            if (holder != lastHolder && holder is not null)
                log.Information("{UnitKind:l} {Unit} is being restored by {Holder}; waiting for it to finish", Capitalized(_scope.UnitKind), hostname, holder);
            lastHolder = holder;
            await Task.Delay(_options.RetryInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One try: the Lease now held, or null and who holds it.</summary>
    internal async Task<(V1Lease? Lease, string? Holder)> TryAcquireOnceAsync(string name, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var existing = await _api.GetLeaseAsync(_namespace, name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            var fresh = new V1Lease
            {
                ApiVersion = LeaseApiVersion,
                Kind = LeaseKind,
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = _namespace,
                    Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "stash-restore" },
                },
                Spec = HeldSpec(new V1LeaseSpec(), now, transition: false),
            };
            // null: someone created it first, or our own create got through unanswered; the next look tells.
            return (await _api.TryCreateLeaseAsync(_namespace, fresh, cancellationToken).ConfigureAwait(false), null);
        }

        var spec = existing.Spec ?? new V1LeaseSpec();
        var ours = spec.HolderIdentity == _holderIdentity;
        if (!ours && !string.IsNullOrEmpty(spec.HolderIdentity) && !IsExpired(spec, now))
            return (null, spec.HolderIdentity);
        if (!ours && !string.IsNullOrEmpty(spec.HolderIdentity))
            _logger.Warning("Lease {Lease} of {Holder} expired (last renewed {RenewTime}); taking it over", name, spec.HolderIdentity, spec.RenewTime is { } renewed ? MicroTime(Utc(renewed)) : null);
        // Like client-go's leader election: every change of holder, from a released lease too, is a transition.
        var taken = WithSpec(existing, HeldSpec(spec, now, transition: !ours));
        return (await _api.TryUpdateLeaseAsync(_namespace, taken, cancellationToken).ConfigureAwait(false), spec.HolderIdentity);
    }

    /// <summary>The one warning about a forbidden Lease call; later 403s of the run are only debug lines.</summary>
    private void SayForbiddenOnce(ILogger log, RestoreException e, string consequence)
    {
        if (Interlocked.Exchange(ref _forbiddenSaid, 1) == 0)
            log.Warning("{Error:l}; {Consequence:l}; to let executors take turns, {Hint:l}", e.Message, consequence, PermissionHint);
        else
            log.Debug("Lease call forbidden again: {Error:l}", e.Message);
    }

    private static string Capitalized(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private const string LeaseApiVersion = "coordination.k8s.io/v1";
    private const string LeaseKind = "Lease";

    private V1LeaseSpec HeldSpec(V1LeaseSpec spec, DateTimeOffset now, bool transition)
    {
        var held = CopyOf(spec);
        held.HolderIdentity = _holderIdentity;
        held.LeaseDurationSeconds = (int)Math.Max(1, Math.Ceiling(_options.LeaseDuration.TotalSeconds));
        held.AcquireTime = transition || spec.AcquireTime is null ? Micro(now) : spec.AcquireTime;
        held.RenewTime = Micro(now);
        held.LeaseTransitions = (spec.LeaseTransitions ?? 0) + (transition ? 1 : 0);
        return held;
    }

    /// <summary>A new Lease object with <paramref name="spec"/>: the library's models are mutable, and the one read stays as read.</summary>
    private static V1Lease WithSpec(V1Lease lease, V1LeaseSpec spec) => new()
    {
        ApiVersion = lease.ApiVersion ?? LeaseApiVersion,
        Kind = lease.Kind ?? LeaseKind,
        Metadata = lease.Metadata,
        Spec = spec,
    };

    private static V1LeaseSpec CopyOf(V1LeaseSpec? spec) => new()
    {
        HolderIdentity = spec?.HolderIdentity,
        LeaseDurationSeconds = spec?.LeaseDurationSeconds,
        AcquireTime = spec?.AcquireTime,
        RenewTime = spec?.RenewTime,
        LeaseTransitions = spec?.LeaseTransitions,
        PreferredHolder = spec?.PreferredHolder,
        Strategy = spec?.Strategy,
    };

    internal static bool IsExpired(V1LeaseSpec spec, DateTimeOffset now)
    {
        var renewed = spec.RenewTime ?? spec.AcquireTime;
        if (renewed is null)
            return true;
        return Utc(renewed.Value) + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0) < now;
    }

    /// <summary>MicroTime as the API server writes it: <c>2006-01-02T15:04:05.000000Z</c>.</summary>
    internal static string MicroTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A MicroTime's value: UTC, cut to whole microseconds.</summary>
    private static DateTime Micro(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, DateTimeKind.Utc);

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    /// <summary>A held Lease: renewed in the background until disposed or lost.</summary>
    private sealed class HeldLease : IUnitClaim
    {
        private readonly LeaseUnitClaims _owner;
        private readonly string _hostname;
        private readonly ILogger _log;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;
        private V1Lease _lease;
        private DateTimeOffset _lastRenewed;

        public HeldLease(LeaseUnitClaims owner, string hostname, V1Lease lease, ILogger log)
        {
            _owner = owner;
            _hostname = hostname;
            _log = log;
            _lease = lease;
            _lastRenewed = owner._timeProvider.GetUtcNow();
            _renewal = Task.Run(RenewLoopAsync);
        }

        public CancellationToken Lost => _lost.Token;

        private string Name => _lease.Metadata.Name;

        private async Task RenewLoopAsync()
        {
            var time = _owner._timeProvider;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(_owner._options.RenewInterval, time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (await TryRenewAsync().ConfigureAwait(false) is { } lostBecause)
                {
                    Lose(lostBecause);
                    return;
                }
                if (_unrenewable)
                    return;
                var unrenewed = time.GetUtcNow() - _lastRenewed;
                if (unrenewed > _owner._options.LeaseDuration)
                {
                    Lose($"renewals have failed for {unrenewed.TotalSeconds:0.#}s, longer than the lease duration; another executor may take over");
                    return;
                }
            }
        }

        /// <summary>Set when renewing is forbidden: the restore goes on unclaimed and renewals stop.</summary>
        private bool _unrenewable;

        /// <summary>Null when renewed or worth another try; otherwise why the claim is gone.</summary>
        private async Task<string?> TryRenewAsync()
        {
            var time = _owner._timeProvider;
            // A renewal that takes longer than the interval is as good as failed.
            using var timeout = new CancellationTokenSource(_owner._options.RenewInterval, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, timeout.Token);
            try
            {
                var now = time.GetUtcNow();
                var renewed = await _owner._api.TryUpdateLeaseAsync(
                    _owner._namespace, Renewed(_lease, now), linked.Token).ConfigureAwait(false);
                if (renewed is not null)
                {
                    _lease = renewed;
                    _lastRenewed = now;
                    return null;
                }
                var current = await _owner._api.GetLeaseAsync(_owner._namespace, Name, linked.Token).ConfigureAwait(false);
                if (current is null)
                    return $"Lease {Name} was deleted";
                if (current.Spec?.HolderIdentity != _owner._holderIdentity)
                    return $"Lease {Name} is now held by {current.Spec?.HolderIdentity ?? "nobody"}";
                _lease = current; // our own earlier renewal got through unanswered; renew from here
                return null;
            }
            catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
            {
                _owner.SayForbiddenOnce(_log, e, $"the claim on {_owner._scope.UnitKind} {_hostname} is no longer renewed and the restore goes on unclaimed");
                _unrenewable = true;
                return null;
            }
            catch (RestoreException e)
            {
                _log.Warning("Renewing the claim on {UnitKind:l} {Unit} failed: {Error}", _owner._scope.UnitKind, _hostname, e.Message);
                return null;
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                _log.Warning("Renewing the claim on {UnitKind:l} {Unit} timed out", _owner._scope.UnitKind, _hostname);
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        private static V1Lease Renewed(V1Lease lease, DateTimeOffset now)
        {
            var spec = CopyOf(lease.Spec);
            spec.RenewTime = Micro(now);
            return WithSpec(lease, spec);
        }

        private void Lose(string because)
        {
            // A warning: what it costs (a restore stopped, a Failed entry) is the run's one error line.
            _log.Warning("Lost the claim on {UnitKind:l} {Unit}: {Reason}", _owner._scope.UnitKind, _hostname, because);
            _lost.Cancel();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewal.ConfigureAwait(false);
            if (!_lost.IsCancellationRequested)
                await ReleaseAsync().ConfigureAwait(false);
            _lost.Dispose();
            _stop.Dispose();
        }

        /// <summary>Clears the holder so a waiting executor takes over at once. Best effort: it expires anyway.</summary>
        private async Task ReleaseAsync()
        {
            var time = _owner._timeProvider;
            using var timeout = new CancellationTokenSource(_owner._options.LeaseDuration, time);
            try
            {
                var lease = _lease;
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    var spec = CopyOf(lease.Spec);
                    spec.HolderIdentity = null;
                    spec.RenewTime = Micro(time.GetUtcNow());
                    var released = WithSpec(lease, spec);
                    if (await _owner._api.TryUpdateLeaseAsync(_owner._namespace, released, timeout.Token).ConfigureAwait(false) is not null)
                    {
                        _log.Debug("Released the claim on {UnitKind:l} {Unit}", _owner._scope.UnitKind, _hostname);
                        return;
                    }
                    var current = await _owner._api.GetLeaseAsync(_owner._namespace, Name, timeout.Token).ConfigureAwait(false);
                    if (current is null || current.Spec?.HolderIdentity != _owner._holderIdentity)
                        return;
                    lease = current;
                }
            }
            catch (RestoreException e) when (KubernetesApiException.StatusCodeOf(e) == 403)
            {
                _owner.SayForbiddenOnce(_log, e, $"the claim on {_owner._scope.UnitKind} {_hostname} is left to expire by itself");
            }
            catch (RestoreException e)
            {
                _log.Warning("Releasing the claim on {UnitKind:l} {Unit} failed (it expires by itself): {Error}", _owner._scope.UnitKind, _hostname, e.Message);
            }
            catch (OperationCanceledException)
            {
                _log.Warning("Releasing the claim on {UnitKind:l} {Unit} timed out (it expires by itself)", _owner._scope.UnitKind, _hostname);
            }
        }
    }
}
