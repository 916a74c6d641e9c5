namespace Stash.Restore.Core.GoCompat;

/// <summary>How an argument is converted for a parameter, mirroring the Go parameter type.</summary>
internal enum ParamKind
{
    /// <summary><c>interface{}</c>: anything, nil included.</summary>
    Any,

    /// <summary><c>reflect.Value</c> (Go's comparison and collection builtins): anything but a literal nil.</summary>
    Value,

    /// <summary><c>string</c>.</summary>
    String,

    /// <summary><c>int</c>.</summary>
    Int,

    /// <summary><c>map[string]interface{}</c>; nil is an empty map.</summary>
    Map,
}

/// <summary>What a function can read besides its arguments: the clock (for <c>now</c>/<c>date</c>).</summary>
internal sealed record TemplateCallContext(TimeProvider Clock);

/// <summary>A template function: Go signature and implementation.</summary>
internal sealed record TemplateFunction(
    string Name,
    IReadOnlyList<ParamKind> Params,
    ParamKind? Variadic,
    Func<TemplateCallContext, object?[], object?> Invoke);

/// <summary>A function's own failure; Go reports it as <c>error calling NAME: MESSAGE</c>.</summary>
internal sealed class TemplateFunctionException(string message) : Exception(message);
