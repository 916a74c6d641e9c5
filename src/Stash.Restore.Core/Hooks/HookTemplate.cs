using System.Text;
using Stash.Restore.Core.Engine;

namespace Stash.Restore.Core.Hooks;

/// <summary>A template that cannot be rendered: unknown field, unclosed action, unsupported syntax.</summary>
internal sealed class HookTemplateException(string message) : Exception(message);

/// <summary>
/// Renders the few Go-template actions Stash hooks use (<c>{{ .Namespace }}</c>, <c>{{ .Name }}</c>,
/// <c>{{ .Hostname }}</c>, <c>{{ .Status.Phase }}</c>, <c>{{ .Status.Duration }}</c>,
/// <c>{{ .Status.Error }}</c>) with Go's whitespace rules, including the <c>{{-</c>/<c>-}}</c>
/// trim markers. Deliberately not a template engine: anything else is an error, never silently empty.
/// </summary>
internal static class HookTemplate
{
    public static readonly IReadOnlyList<string> Fields =
        [".Namespace", ".Name", ".Hostname", ".Status.Phase", ".Status.Duration", ".Status.Error"];

    private const string Open = "{{";
    private const string Close = "}}";

    /// <summary>Renders <paramref name="template"/> for <paramref name="context"/>.</summary>
    /// <exception cref="HookTemplateException">Unknown field, unclosed action, or a field not available at this stage.</exception>
    public static string Render(string template, HookContext context) =>
        Expand(template, field => Resolve(field, context));

    /// <summary>Checks a template without rendering it (fields known, <c>.Status</c> only for postRestore).</summary>
    /// <exception cref="HookTemplateException">As <see cref="Render"/>.</exception>
    public static void Check(string template, HookStage stage) =>
        Expand(template, field =>
        {
            EnsureKnown(field);
            EnsureAvailable(field, stage);
            return "";
        });

    private static string Expand(string template, Func<string, string> value)
    {
        if (!template.Contains(Open, StringComparison.Ordinal))
            return template;
        var output = new StringBuilder(template.Length);
        var position = 0;
        while (position < template.Length)
        {
            var start = template.IndexOf(Open, position, StringComparison.Ordinal);
            if (start < 0)
            {
                output.Append(template, position, template.Length - position);
                break;
            }
            var end = template.IndexOf(Close, start + Open.Length, StringComparison.Ordinal);
            if (end < 0)
                throw new HookTemplateException($"unclosed action at offset {start} in template \"{template}\"");

            var inner = template[(start + Open.Length)..end];
            // Go: "{{- " trims whitespace before the action, " -}}" after; the marker needs the space.
            var trimLeft = inner.StartsWith("- ", StringComparison.Ordinal) || inner == "-";
            var trimRight = inner.EndsWith(" -", StringComparison.Ordinal);
            if (trimLeft)
                inner = inner[1..];
            if (trimRight)
                inner = inner[..^1];

            output.Append(template, position, start - position);
            if (trimLeft)
                TrimEndWhitespace(output);
            output.Append(value(ParseField(inner.Trim(), template)));

            position = end + Close.Length;
            if (trimRight)
            {
                while (position < template.Length && char.IsWhiteSpace(template[position]))
                    position++;
            }
        }
        return output.ToString();
    }

    private static string ParseField(string action, string template)
    {
        if (action.Length == 0)
            throw new HookTemplateException($"empty action {{{{}}}} in template \"{template}\"");
        if (action[0] != '.' || action.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_')))
            throw new HookTemplateException(
                $"unsupported action {{{{ {action} }}}} in template \"{template}\": only fields are supported ({string.Join(", ", Fields)})");
        return action;
    }

    private static string Resolve(string field, HookContext context)
    {
        EnsureKnown(field);
        EnsureAvailable(field, context.Stage);
        var outcome = context.Outcome;
        return field switch
        {
            ".Namespace" => context.Namespace,
            ".Name" => context.SessionName,
            ".Hostname" => context.Hostname,
            ".Status.Phase" => outcome?.Phase ?? "",
            ".Status.Duration" => outcome?.Duration ?? "",
            ".Status.Error" => outcome?.Error ?? "",
            _ => throw new HookTemplateException($"unknown field {field}"),
        };
    }

    private static void EnsureKnown(string field)
    {
        if (!Fields.Contains(field, StringComparer.Ordinal))
            throw new HookTemplateException($"unknown field {field} in hook template (known: {string.Join(", ", Fields)})");
    }

    private static void EnsureAvailable(string field, HookStage stage)
    {
        if (stage == HookStage.PreRestore && field.StartsWith(".Status.", StringComparison.Ordinal))
            throw new HookTemplateException($"field {field} is only available to postRestore hooks: the restore has not run yet");
    }

    private static void TrimEndWhitespace(StringBuilder builder)
    {
        var length = builder.Length;
        while (length > 0 && char.IsWhiteSpace(builder[length - 1]))
            length--;
        builder.Length = length;
    }
}
