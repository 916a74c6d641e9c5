namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary><c>print</c>, <c>println</c> and <c>printf</c> against Go's fmt: verbs, flags, widths, wrong operands, and floats with %f/%e/%g on exact halves and very large and small values.</summary>
public sealed class GoFormatTests
{
    private static readonly string[] Cases =
    [
        "{{ print }}|{{ print 1 2 \"a\" \"b\" 3 nil true }}|{{ print .Target }}|{{ print (list 1 \"x\") (dict \"b\" 2 \"a\" 1) }}",
        "{{ println \"a\" 1 }}{{ println }}",
        "{{ printf \"%s|%d|%v|%q|%%|%5s|%-5s|%05d|%x|%t\" .Name 42 (list 1) \"q\\\"\" \"r\" \"l\" 7 255 true }}",
        "{{ printf \"%d %s\" \"str\" 3 }}|{{ printf \"%s\" }}|{{ printf \"%s\" \"a\" \"extra\" 2 }}|{{ printf \"%v %v\" nil 1.5 }}|{{ printf \"%q\" 65 }}|{{ printf \"%.2f\" 3.14159 }}",
        // %f, %e, %g (and upper case) with Go's default precisions: 6 for %f and %e, the shortest for %g.
        "{{ printf \"%f|%e|%g|%F|%E|%G\" 3.14159 3.14159 3.14159 2.5 1e21 1e-7 }}|{{ printf \"%f %f %f %f %f\" 0.5 1e21 1e-7 -2.0 0.0 }}",
        "{{ printf \"%e %e %e %e\" 0.0 123456.789 -1e-300 1.0 }}|{{ printf \"%g %g %g %g %g %g\" 100000.0 1e21 1e-5 0.0001 123456789.0 1e20 }}",
        // Exact halves and values between: Go rounds the binary value, to even when it is exactly half.
        "{{ printf \"%.0f %.0f %.0f %.0f %.1f %.1f %.2f %.2f\" 0.5 1.5 2.5 -0.5 0.25 0.35 1.005 2.675 }}|{{ printf \"%.0e %.1e %.3g %.1g\" 2.5 1.25 2.0005 0.15 }}",
        "{{ printf \"%g %g %e %f %g\" 1.7976931348623157e308 5e-324 5e-324 1e-10 123456789012345678.0 }}|{{ printf \"%8.3f|%-8.2e|%+g|% f\" 3.14159 1234.5 2.5 1.5 }}",
        "{{ printf \"%f\" 3 }}|{{ printf \"%e\" \"x\" }}|{{ printf \"%g\" true }}|{{ print 1.0 2.5 1e21 1e20 0.000001 1e-7 -0.0 }}",
    ];

    [RequiresGoFact]
    public void Print_and_printf_render_the_same_as_go() => GoDifferential.AssertTemplatesSameAsGo("fmt", Cases);
}
