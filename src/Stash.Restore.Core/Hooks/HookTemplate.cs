using Stash.Restore.Core.GoCompat;

namespace Stash.Restore.Core.Hooks;

/// <summary>A template that cannot be rendered: a syntax error, unknown function or field, a failing function.</summary>
internal sealed class HookTemplateException(string message) : Exception(message);

/// <summary>
/// Hook commands, paths, headers and bodies are Go <c>text/template</c> with sprig, as in Stash
/// (interpreted by <see cref="GoTemplate"/>), over <c>.Name .Namespace .Invoker.{Kind,Name}
/// .Target.{Kind,Name,Namespace,APIVersion} .Status.{Phase,Duration,Error}</c> and <c>.Hostname</c>.
/// </summary>
internal static class HookTemplate
{
    /// <summary>The invoker kind hooks run by this executor see: Stash runs them for a RestoreSession.</summary>
    public const string InvokerKind = "RestoreSession";

    // .Status exists before the restore (empty, as in Stash) but reading it there is always a mistake.
    private static readonly Dictionary<string, string> UnavailableBeforeRestore = new(StringComparer.Ordinal)
    {
        ["Status"] = "is only available to postRestore hooks: the restore has not run yet",
    };

    private static readonly Dictionary<string, string> NothingUnavailable = new(StringComparer.Ordinal);

    /// <summary>Renders <paramref name="template"/> for <paramref name="context"/>.</summary>
    /// <param name="clock">Serves sprig's <c>now</c> and <c>date</c>; the system clock when null.</param>
    /// <param name="place">Where the template comes from, named in errors (<c>template: httpPost.body:1: …</c>).</param>
    /// <exception cref="HookTemplateException">The template does not parse or fails while executing.</exception>
    public static string Render(string template, HookContext context, TimeProvider? clock = null, string place = "hook")
    {
        // Text without an action renders as itself in Go too; skip the parser for the common case.
        if (!template.Contains("{{", StringComparison.Ordinal))
            return template;
        try
        {
            return GoTemplate.Parse(place, template).Execute(Data(context).ToValue(), clock ?? TimeProvider.System);
        }
        catch (TemplateException e)
        {
            throw new HookTemplateException(e.Message);
        }
    }

    /// <summary>
    /// Every problem of a template found without running it: syntax, unknown functions (Go's parse errors)
    /// and fields the hook data does not have (Go finds those only when executing), each with its position.
    /// </summary>
    public static IReadOnlyList<string> Problems(string template, HookStage stage, string place = "hook")
    {
        if (!template.Contains("{{", StringComparison.Ordinal))
            return [];
        GoTemplate parsed;
        try
        {
            parsed = GoTemplate.Parse(place, template);
        }
        catch (TemplateException e)
        {
            return [e.Message];
        }
        return TemplateFieldCheck.Check(parsed, HookTemplateData.Empty.ToValue(),
            stage == HookStage.PreRestore ? UnavailableBeforeRestore : NothingUnavailable);
    }

    /// <summary>Checks a template without rendering it.</summary>
    /// <exception cref="HookTemplateException">The first of <see cref="Problems"/>.</exception>
    public static void Check(string template, HookStage stage)
    {
        if (Problems(template, stage) is [var first, ..])
            throw new HookTemplateException(first);
    }

    /// <summary>The data a hook's templates see for <paramref name="context"/>.</summary>
    public static HookTemplateData Data(HookContext context)
    {
        var outcome = context.Outcome;
        var target = context.Target ?? new HookTarget("", "", "", "");
        return new HookTemplateData(
            context.SessionName,
            context.Namespace,
            new HookInvoker(InvokerKind, context.SessionName),
            target,
            new HookStatus(outcome?.Phase ?? "", outcome?.Duration ?? "", outcome?.Error ?? ""),
            context.Hostname);
    }
}
