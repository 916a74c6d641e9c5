namespace Stash.Restore.Cli.Commands;

/// <summary>
/// A flag an operator may pass that means nothing to this executor: accepted with the values its
/// owner (klog, pflag, Stash) accepts, and named in the run's one "no effect" warning.
/// </summary>
/// <param name="Names">The spellings, the documented one first (klog's <c>--log_dir</c> and pflag's normalised <c>--log-dir</c>).</param>
/// <param name="Check">Null when a value is accepted, else the problem (see <see cref="Core.Input.KlogFlagValues"/>).</param>
/// <param name="Boolean">A pflag boolean: bare means true, and a value must be attached with <c>=</c>.</param>
internal sealed record CompatibilityFlag(string[] Names, Func<string?, string?> Check, bool Boolean, string Description)
{
    public string Name => Names[0];
}
