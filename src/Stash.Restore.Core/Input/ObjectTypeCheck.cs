using System.Text.Json;
using System.Text.Json.Nodes;

namespace Stash.Restore.Core.Input;

/// <summary>The <c>apiVersion</c> and <c>kind</c> a reader expects, and how messages name the object.</summary>
internal sealed record ExpectedObjectType(string ApiVersion, string Kind, string Description);

/// <summary>
/// The first check of any manifest: is it the object we expect at all? It runs before the shape
/// check, so a KubeStash file is named as such instead of failing as a pile of Stash type errors.
/// The one place that knows the other API families' types: extend <see cref="Recognise"/> when a
/// family is added. The Stash readers use it; KubeStash objects come through <c>--objects</c>.
/// </summary>
internal static class ObjectTypeCheck
{
    private const string KubeStashGroup = "core.kubestash.com";
    private const string KubeStashStorageGroup = "storage.kubestash.com";

    /// <summary>Null when <paramref name="root"/> is the expected type; else the one problem to report.</summary>
    public static ManifestProblem? Check(JsonObject root, ExpectedObjectType expected)
    {
        var apiVersion = StringField(root, "apiVersion");
        var kind = StringField(root, "kind");
        if (apiVersion == expected.ApiVersion && kind == expected.Kind)
            return null;
        if (Recognise(apiVersion, kind) is { } other && other != expected.Description)
            return new ManifestProblem(null,
                $"this is a {other} ({apiVersion}), not a {expected.Description} ({expected.ApiVersion}); {ForeignHint(apiVersion)}");
        return new ManifestProblem(null,
            $"expected apiVersion {expected.ApiVersion} kind {expected.Kind}, got apiVersion {apiVersion ?? "<none>"} kind {kind ?? "<none>"}");
    }

    /// <summary>Names an object of a family this executor knows of, by its group and kind.</summary>
    private static string? Recognise(string? apiVersion, string? kind)
    {
        var group = apiVersion?.Split('/')[0];
        return group switch
        {
            KubeStashGroup or KubeStashStorageGroup when !string.IsNullOrEmpty(kind) => $"KubeStash {kind}",
            _ => null,
        };
    }

    private static string ForeignHint(string? apiVersion) =>
        apiVersion?.Split('/')[0] is KubeStashGroup or KubeStashStorageGroup
            ? "pass KubeStash objects with --objects (validate -f reads a KubeStash RestoreSession by itself)"
            : "check apiVersion and kind";

    private static string? StringField(JsonObject root, string name) =>
        root.TryGetPropertyValue(name, out var node) && node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
