namespace Stash.Restore.Core.GoCompat;

/// <summary>
/// A parsed Go text/template with the builtins and the sprig functions hooks use. Parse once
/// (unknown functions and syntax errors are found here), execute for each data value.
/// </summary>
internal sealed class GoTemplate
{
    private GoTemplate(string name, string text, ListNode root)
    {
        Name = name;
        Text = text;
        Root = root;
    }

    /// <summary>The name used in messages (<c>template: NAME:LINE: …</c>).</summary>
    public string Name { get; }

    public string Text { get; }

    /// <summary>The parse tree, for static checks.</summary>
    public ListNode Root { get; }

    /// <exception cref="TemplateException">A syntax error, unknown function or undefined variable.</exception>
    public static GoTemplate Parse(string name, string text) =>
        new(name, text, TemplateParser.Parse(name, text, TemplateFunctions.Names));

    /// <summary>Renders the template; <paramref name="clock"/> serves <c>now</c> and <c>date</c>.</summary>
    /// <exception cref="TemplateException">An execution error such as an unknown field or a wrong argument type.</exception>
    public string Execute(object? data, TimeProvider clock) =>
        TemplateExecutor.Execute(Name, Text, Root, data, new TemplateCallContext(clock));
}
