namespace Stash.Restore.Core.GoCompat;

/// <summary>text/template's eq and lt over basic kinds (bool, int, float, string), with Go's errors.</summary>
internal static class GoCompare
{
    private const string BadComparison = "incompatible types for comparison";
    private const string BadComparisonType = "invalid type for comparison";

    private enum Kind
    {
        Invalid,
        Bool,
        Int,
        Float,
        String,
        Other,
    }

    private static Kind KindOf(object? value) => value switch
    {
        null => Kind.Invalid,
        bool => Kind.Bool,
        long => Kind.Int,
        double => Kind.Float,
        string => Kind.String,
        _ => Kind.Other,
    };

    /// <summary>True when <paramref name="first"/> equals any of <paramref name="others"/>.</summary>
    public static bool Eq(object? first, IReadOnlyList<object?> others)
    {
        if (others.Count == 0)
            throw new TemplateFunctionException("missing argument for comparison");
        var k1 = KindOf(first);
        foreach (var other in others)
        {
            var k2 = KindOf(other);
            bool truth;
            if (k1 != k2)
            {
                if (first is not null && other is not null)
                    throw new TemplateFunctionException(BadComparison);
                truth = false;
            }
            else
            {
                truth = k1 switch
                {
                    Kind.Invalid => true,
                    Kind.Bool => (bool)first! == (bool)other!,
                    Kind.Int => (long)first! == (long)other!,
                    // Go compares floats with ==, NaN included.
#pragma warning disable S1244
                    Kind.Float => (double)first! == (double)other!,
#pragma warning restore S1244
                    Kind.String => (string)first! == (string)other!,
                    _ => OtherEqual(first!, other!),
                };
            }
            if (truth)
                return true;
        }
        return false;
    }

    private static bool OtherEqual(object first, object other)
    {
        if (first.GetType() != other.GetType())
            throw new TemplateFunctionException($"non-comparable types {GoFormat.Value(first)}: {GoValue.TypeName(first)}, {GoValue.TypeName(other)}: {GoFormat.Value(other)}");
        return first switch
        {
            DateTimeOffset t => t.Equals((DateTimeOffset)other) && t.Offset == ((DateTimeOffset)other).Offset,
            TemplateStruct s => s.TypeName == ((TemplateStruct)other).TypeName && GoFormat.Value(s) == GoFormat.Value(other),
            _ => throw new TemplateFunctionException($"non-comparable type {GoFormat.Value(other)}: {GoValue.TypeName(other)}"),
        };
    }

    /// <summary>first &lt; second for two values of the same basic kind (not bool).</summary>
    public static bool Lt(object? first, object? second)
    {
        var k1 = KindOf(first);
        var k2 = KindOf(second);
        if (k1 is Kind.Invalid or Kind.Other || k2 is Kind.Invalid or Kind.Other)
            throw new TemplateFunctionException(BadComparisonType);
        if (k1 != k2)
            throw new TemplateFunctionException(BadComparison);
        return k1 switch
        {
            Kind.Int => (long)first! < (long)second!,
            Kind.Float => (double)first! < (double)second!,
            Kind.String => string.CompareOrdinal((string)first!, (string)second!) < 0,
            _ => throw new TemplateFunctionException(BadComparisonType),
        };
    }
}
