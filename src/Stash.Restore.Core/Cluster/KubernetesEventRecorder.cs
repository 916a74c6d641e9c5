using k8s.Models;
using Serilog;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Kubernetes;
using Stash.Restore.Core.Secrets;
using Stash.Restore.Core.Platform;

namespace Stash.Restore.Core.Cluster;

/// <summary>
/// core/v1 Events on the session (involvedObject carries its uid so
/// <c>kubectl describe</c> shows them). Best effort: a failure is a warning.
/// </summary>
internal sealed class KubernetesEventRecorder : IRestoreEventRecorder
{
    public const string Component = "stash-restore";

    // The API server rejects longer messages; client-go's recorder truncates at the same size.
    private const int MaxMessageLength = 1024;

    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    private readonly IKubernetesApi _api;
    private readonly EventTarget _target;
    private readonly string? _reportingInstance;
    private readonly SecretMasker? _masker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IRandomSource _random;

    /// <param name="reportingInstance">This pod's name, shown as the event's source host.</param>
    /// <param name="random">Makes event names unique; the system generator when not given.</param>
    public KubernetesEventRecorder(IKubernetesApi api, EventTarget target, string? reportingInstance, SecretMasker? masker, TimeProvider timeProvider, ILogger logger, IRandomSource? random = null)
    {
        _random = random ?? new SystemRandomSource();
        _api = api;
        _target = target;
        _reportingInstance = reportingInstance;
        _masker = masker;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task RecordAsync(RestoreEvent restoreEvent, CancellationToken cancellationToken)
    {
        var kubernetesEvent = Build(restoreEvent);
        // An event is not worth holding up the restore for long when the API server struggles.
        using var timeout = new CancellationTokenSource(EventTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _api.CreateEventAsync(kubernetesEvent.Metadata.NamespaceProperty, kubernetesEvent, linked.Token).ConfigureAwait(false);
        }
        catch (RestoreException e)
        {
            _logger.Warning("Could not record event {Reason} on {Session}: {Error}", restoreEvent.Reason, Describe(), e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.Warning("Could not record event {Reason} on {Session}: no answer within {Timeout}", restoreEvent.Reason, Describe(), EventTimeout);
        }
    }

    internal Corev1Event Build(RestoreEvent restoreEvent)
    {
        var ns = _target.Namespace;
        var name = _target.Name;
        var now = _timeProvider.GetUtcNow();
        // metav1.Time has second precision.
        var time = new DateTime(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var message = _masker?.Apply(restoreEvent.Message) ?? restoreEvent.Message;
        if (message.Length > MaxMessageLength)
            message = message[..(MaxMessageLength - 1)] + "…";
        return new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            // client-go's naming: <object>.<unique hex>. Fixed before sending, so a retried create is detected.
            Metadata = new V1ObjectMeta { Name = EventName(name, now), NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = _target.ApiVersion,
                Kind = _target.Kind,
                Name = name,
                NamespaceProperty = ns,
                Uid = _target.Uid,
            },
            Reason = restoreEvent.Reason,
            Message = message,
            Type = restoreEvent.Type == RestoreEventType.Warning ? "Warning" : "Normal",
            Source = new V1EventSource { Component = Component, Host = _reportingInstance },
            FirstTimestamp = time,
            LastTimestamp = time,
            Count = 1,
            ReportingComponent = Component,
            ReportingInstance = _reportingInstance,
        };
    }

    private string EventName(string objectName, DateTimeOffset now)
    {
        var suffix = $".{now.UtcDateTime.Ticks:x}{_random.HexDigits(4)}";
        // An object name may use all 253 characters a name may have; the event's must still fit.
        var prefix = objectName.Length + suffix.Length > 253 ? objectName[..(253 - suffix.Length)] : objectName;
        return prefix + suffix;
    }

    private string Describe() => _target.ToString();
}
