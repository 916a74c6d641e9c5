using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Stash.Restore.TestApiServer;

/// <summary>Server-side printing (<c>meta.k8s.io/v1 Table</c>) from a CRD's additionalPrinterColumns, as kubectl asks for it.</summary>
internal static class Tables
{
    public static bool Wanted(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal) &&
        request.Headers.Accept.ToString().Contains("g=meta.k8s.io", StringComparison.Ordinal);

    public static JsonObject Build(ResourceType type, IReadOnlyList<JsonObject> items, string resourceVersion)
    {
        var columns = new JsonArray
        {
            new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["description"] = "Name must be unique within a namespace.", ["priority"] = 0 },
        };
        var printerColumns = type.Columns.Count > 0
            ? type.Columns
            : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp", null)];
        foreach (var c in printerColumns)
            columns.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format ?? "", ["description"] = "", ["priority"] = 0 });
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray { (string?)item["metadata"]?["name"] };
            foreach (var c in printerColumns)
                cells.Add(Cell(c, Lookup(item, c.JsonPath)));
            var metadata = item["metadata"]!.DeepClone();
            rows.Add(new JsonObject
            {
                ["cells"] = cells,
                ["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = metadata },
            });
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonNode? Cell(PrinterColumn column, JsonNode? value)
    {
        if (value is null)
            return null;
        if (column.Type == "date" && value is JsonValue v && DateTimeOffset.TryParse(v.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            return HumanDuration(DateTimeOffset.UtcNow - when);
        return value is JsonValue ? value.DeepClone() : value.ToJsonString();
    }

    /// <summary>Simple JSONPath: <c>.a.b[0].c</c>.</summary>
    private static JsonNode? Lookup(JsonNode? node, string path)
    {
        foreach (var raw in path.TrimStart('.').Split('.'))
        {
            var segment = raw;
            int? index = null;
            var bracket = raw.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0 && int.TryParse(raw[(bracket + 1)..^1], out var i))
            {
                segment = raw[..bracket];
                index = i;
            }
            node = node is JsonObject o ? o[segment] : null;
            if (index is { } at)
                node = node is JsonArray a && at < a.Count ? a[at] : null;
        }
        return node;
    }

    private static string HumanDuration(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
            age = TimeSpan.Zero;
        return age.TotalSeconds < 120 ? $"{(int)age.TotalSeconds}s"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
