using NetArchTest.Rules;

namespace Stash.Restore.Core.Tests.Architecture;

/// <summary>
/// The arrows of ARCHITECTURE.md, checked on the compiled Core: Cli → Families → {Engine, Cluster} →
/// {Restic, Hooks, Processes, Kubernetes}. Engine, Cluster and the neutral parts never name an API
/// family's type; the transport (Kubernetes) names no Engine, Hooks, Logging or family type; and no
/// two namespaces depend on each other in a circle.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Core = "Stash.Restore.Core";

    /// <summary>Namespaces of Core, each with its sub-namespaces (GoCompat: Go's templates, durations and numbers).</summary>
    private static readonly string[] Areas =
    [
        "Engine", "Families.Stash", "Families.KubeStash", "Restic", "Hooks", "Cluster", "Kubernetes", "Processes",
        "Logging", "Secrets", "Metrics", "Input", "GoCompat", "Platform",
    ];

    private static readonly string[] FamilyNeutral = [.. Areas.Where(a => !a.StartsWith("Families.", StringComparison.Ordinal))];

    private static Types CoreTypes() => Types.InAssembly(typeof(ExitCodes).Assembly);

    public static TheoryData<string> NeutralAreas => new(FamilyNeutral);

    [Theory]
    [MemberData(nameof(NeutralAreas))]
    public void A_family_neutral_area_names_no_family_type(string area)
    {
        var result = CoreTypes().That().ResideInNamespace($"{Core}.{area}").ShouldNot().HaveDependencyOn($"{Core}.Families").GetResult();
        Assert.True(result.IsSuccessful, $"{area} depends on an API family: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_two_families_do_not_name_each_other()
    {
        var stash = CoreTypes().That().ResideInNamespace($"{Core}.Families.Stash").ShouldNot().HaveDependencyOn($"{Core}.Families.KubeStash").GetResult();
        var kubeStash = CoreTypes().That().ResideInNamespace($"{Core}.Families.KubeStash").ShouldNot().HaveDependencyOn($"{Core}.Families.Stash").GetResult();
        Assert.True(stash.IsSuccessful, $"Stash family uses KubeStash's: {string.Join(", ", stash.FailingTypeNames ?? [])}");
        Assert.True(kubeStash.IsSuccessful, $"KubeStash family uses Stash's: {string.Join(", ", kubeStash.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void The_engine_does_not_reach_the_transport()
    {
        var result = CoreTypes().That().ResideInNamespace($"{Core}.Engine").ShouldNot().HaveDependencyOn($"{Core}.Kubernetes").GetResult();
        Assert.True(result.IsSuccessful, $"Engine uses the Kubernetes transport: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    /// <summary>What the transport must not know, each with the reason it is a rule.</summary>
    public static TheoryData<string, string> TransportRules => new()
    {
        { "Engine", "the transport knows nothing of units: the engine's seams are made of it in Cluster" },
        { "Hooks", "the transport knows nothing of hooks: pods/exec hooks and the pod's hook defaults are Cluster's" },
        { "Logging", "the transport logs without the run's property names (host, component): those are the families'" },
        { "Families", "the transport knows API resources, never an API family's type or default" },
    };

    [Theory]
    [MemberData(nameof(TransportRules))]
    public void The_transport_does_not_use(string area, string rule)
    {
        var result = CoreTypes().That().ResideInNamespace($"{Core}.Kubernetes").ShouldNot().HaveDependencyOn($"{Core}.{area}").GetResult();
        Assert.True(result.IsSuccessful, $"Kubernetes uses {area} ({rule}): {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void No_namespace_cycle()
    {
        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var from in Areas)
        {
            edges[from] = [];
            foreach (var to in Areas.Where(to => to != from && !to.StartsWith(from + ".", StringComparison.Ordinal) && !from.StartsWith(to + ".", StringComparison.Ordinal)))
            {
                var result = CoreTypes().That().ResideInNamespace($"{Core}.{from}").ShouldNot().HaveDependencyOn($"{Core}.{to}").GetResult();
                if (!result.IsSuccessful)
                    edges[from].Add(to);
            }
        }
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, $"namespace cycle: {string.Join(" → ", cycle ?? [])}");
    }

    /// <summary>A cycle in the graph as the list of its nodes (first repeated at the end), or null.</summary>
    internal static List<string>? FindCycle(IReadOnlyDictionary<string, List<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        foreach (var start in edges.Keys)
        {
            if (Visit(start) is { } found)
                return found;
        }
        return null;

        List<string>? Visit(string node)
        {
            if (state.GetValueOrDefault(node) == 2)
                return null;
            if (state.GetValueOrDefault(node) == 1)
                return [.. path.Skip(path.IndexOf(node)), node];
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } found)
                    return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_no_false_one()
    {
        Assert.Equal(["A", "B", "C", "A"], FindCycle(new Dictionary<string, List<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"] }));
        Assert.Null(FindCycle(new Dictionary<string, List<string>> { ["A"] = ["B", "C"], ["B"] = ["C"], ["C"] = [] }));
    }
}
