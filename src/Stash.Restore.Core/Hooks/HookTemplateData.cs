using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Hooks;

/// <summary>The RestoreSession (or other invoker) that runs the hook.</summary>
internal sealed record HookInvoker(string Kind, string Name);

/// <summary>The workload or volume being restored.</summary>
internal sealed record HookTarget(string Kind, string Name, string Namespace, string ApiVersion);

/// <summary>The host's restore outcome; empty before the restore has run.</summary>
internal sealed record HookStatus(string Phase, string Duration, string Error);

/// <summary>
/// The data hook templates see, with Stash's field names: <c>.Name .Namespace .Invoker.{Kind,Name}
/// .Target.{Kind,Name,Namespace,APIVersion} .Status.{Phase,Duration,Error}</c> and our <c>.Hostname</c>.
/// </summary>
internal sealed record HookTemplateData(string Name, string Namespace, HookInvoker Invoker, HookTarget Target, HookStatus Status, string Hostname)
{
    /// <summary>Data with every field empty: the shape the static field check walks.</summary>
    public static HookTemplateData Empty { get; } =
        new("", "", new HookInvoker("", ""), new HookTarget("", "", "", ""), new HookStatus("", "", ""), "");

    /// <summary>The value templates execute over: structs, so an unknown field is an error as in Go.</summary>
    public TemplateStruct ToValue() => new("hooks.Data",
    [
        new("Name", Name),
        new("Namespace", Namespace),
        new("Invoker", new TemplateStruct("hooks.Invoker", [new("Kind", Invoker.Kind), new("Name", Invoker.Name)])),
        new("Target", new TemplateStruct("hooks.Target",
        [
            new("Kind", Target.Kind), new("Name", Target.Name), new("Namespace", Target.Namespace), new("APIVersion", Target.ApiVersion),
        ])),
        new("Status", new TemplateStruct("hooks.Status", [new("Phase", Status.Phase), new("Duration", Status.Duration), new("Error", Status.Error)])),
        new("Hostname", Hostname),
    ]);
}
