using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Stash.Restore.Core.GoCompat;
using Stash.Restore.Core.Hooks;

namespace Stash.Restore.Core.Tests.GoCompat;

/// <summary>
/// The oracle: tests/GoTemplateReference built once per test run with Debian's Go and sprig (GOPATH mode),
/// fed many (template, data) cases per process so hundreds of comparisons stay fast.
/// </summary>
internal static class GoReference
{
    public const string GoPath = "/usr/share/gocode";
    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why the differential tests cannot run here, or null when Go and sprig are installed.</summary>
    public static string? MissingReason()
    {
        if (FindGo() is null)
            return "skipped: go not found on PATH (scripts/setup.sh installs golang-go); the Go text/template oracle is unavailable";
        if (!Directory.Exists(Path.Combine(GoPath, "src/github.com/Masterminds/sprig")))
            return $"skipped: sprig not found under {GoPath} (scripts/setup.sh installs golang-github-masterminds-sprig-dev)";
        if (SourceDirectory() is null)
            return "skipped: tests/GoTemplateReference not found (walked up from the test binary to StashRestore.slnx)";
        return null;
    }

    /// <summary>A fixed instant both sides use for <c>now</c> (a whole number of 100 ns ticks).</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    /// <summary>Renders every case with Go; results in the same order.</summary>
    public static IReadOnlyList<GoResult> Render(IReadOnlyList<TemplateCase> cases)
    {
        var input = new JsonObject
        {
            ["now"] = (Now - DateTimeOffset.UnixEpoch).Ticks * 100,
            ["cases"] = new JsonArray(cases.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["template"] = c.Template,
                ["data"] = DataJson(c.Data),
            }).ToArray()),
        };
        var start = new ProcessStartInfo(Binary.Value)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input.ToJsonString());
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Go reference failed ({process.ExitCode}): {stderr.Result}");
        var results = JsonNode.Parse(stdout.Result)!.AsArray();
        return results.Select(r => new GoResult(
            (bool)r!["ok"]!, (string)r["output"]!, (string)r["error"]!, (bool)r["parseError"]!)).ToList();
    }

    private static JsonObject DataJson(HookTemplateData d) => new()
    {
        ["Name"] = d.Name,
        ["Namespace"] = d.Namespace,
        ["Invoker"] = new JsonObject { ["Kind"] = d.Invoker.Kind, ["Name"] = d.Invoker.Name },
        ["Target"] = new JsonObject
        {
            ["Kind"] = d.Target.Kind, ["Name"] = d.Target.Name, ["Namespace"] = d.Target.Namespace, ["APIVersion"] = d.Target.ApiVersion,
        },
        ["Status"] = new JsonObject { ["Phase"] = d.Status.Phase, ["Duration"] = d.Status.Duration, ["Error"] = d.Status.Error },
        ["Hostname"] = d.Hostname,
    };

    private static string Build()
    {
        var output = Path.Combine(Path.GetTempPath(), $"go-template-reference-{Environment.ProcessId}");
        Directory.CreateDirectory(output);
        var binary = Path.Combine(output, "reference");
        var start = new ProcessStartInfo(FindGo()!, ["build", "-o", binary, "."])
        {
            WorkingDirectory = SourceDirectory()!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GO111MODULE"] = "off";
        start.Environment["GOPATH"] = GoPath;
        start.Environment["GOCACHE"] = Path.Combine(output, "cache");
        start.Environment["GOFLAGS"] = "";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"go build of the reference failed: {stderr.Result}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(output, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        };
        return binary;
    }

    private static string? FindGo() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.Combine(p, "go"))
            .FirstOrDefault(File.Exists);

    private static string? SourceDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StashRestore.slnx")))
            {
                var source = Path.Combine(dir.FullName, "tests", "GoTemplateReference");
                return File.Exists(Path.Combine(source, "main.go")) ? source : null;
            }
        }
        return null;
    }
}

/// <summary>Our interpreter against Go's text/template + sprig: the same bytes, or a failure in both. Each call sends all its cases to one Go process.</summary>
internal static class GoDifferential
{
    /// <summary>A restore that succeeded, as a postRestore hook sees it.</summary>
    public static readonly HookTemplateData Succeeded = new(
        "restore-mysql", "demo", new HookInvoker("RestoreSession", "restore-mysql"),
        new HookTarget("StatefulSet", "mysql", "demo", "apps/v1"), new HookStatus("Succeeded", "2m40.595857548s", ""), "host-1");

    /// <summary>A restore that failed, with an error holding quotes and markup.</summary>
    public static readonly HookTemplateData Failed = Succeeded with
    {
        Status = new HookStatus("Failed", "884.431745ms", "restic exited 1: Fatal: unable to open \"repo\" <&>"),
        Hostname = "host-0",
    };

    /// <summary>Renders each template with both data sets alternately and asserts Go and ours agree.</summary>
    public static void AssertTemplatesSameAsGo(string name, IReadOnlyList<string> templates) =>
        _ = AssertSameAsGo(templates.Select((t, i) => new TemplateCase($"{name}{i}", t, i % 2 == 0 ? Succeeded : Failed)).ToList(), requireOk: false);

    /// <summary>Asserts ours renders every case as Go does (or fails with Go's message); Go's results are returned.</summary>
    public static IReadOnlyList<GoResult> AssertSameAsGo(IReadOnlyList<TemplateCase> cases, bool requireOk)
    {
        var go = GoReference.Render(cases);
        var failures = new StringBuilder();
        for (var i = 0; i < cases.Count; i++)
        {
            var ours = OurRender.Render(cases[i]);
            var expected = go[i];
            if (requireOk && !expected.Ok)
                failures.AppendLine($"case {i}: Go failed: {expected.Error}");
            // Errors must match too: Go's message, position and node (type names aside: main.Data is hooks.Data here).
            else if (expected.Ok != ours.Ok || (expected.Ok && expected.Output != ours.Output)
                || (!expected.Ok && expected.Error.Replace("main.", "hooks.", StringComparison.Ordinal) != ours.Error))
            {
                failures.AppendLine($"case {i}: {cases[i].Template}");
                failures.AppendLine($"   go:   {(expected.Ok ? Show(expected.Output) : "error " + expected.Error)}");
                failures.AppendLine($"   ours: {(ours.Ok ? Show(ours.Output) : "error " + ours.Error)}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
        return go;
    }

    /// <summary>Asserts every template fails to parse in Go and in ours, with Go's message.</summary>
    public static void AssertParseErrorsSameAsGo(string name, IReadOnlyList<string> templates)
    {
        var cases = templates.Select((t, i) => new TemplateCase($"{name}{i}", t, Succeeded)).ToList();
        var go = GoReference.Render(cases);
        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var ours = OurRender.Render(cases[i]);
            if (go[i].Ok || !go[i].ParseError)
                failures.Add($"case {i} {cases[i].Template}: Go did not fail to parse");
            else if (ours.Ok || ours.Error != go[i].Error)
                failures.Add($"case {i} {cases[i].Template}: Go says {go[i].Error}; ours {(ours.Ok ? "rendered" : ours.Error)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Show(string text) => text.Replace("\n", "\\n", StringComparison.Ordinal);
}

/// <summary>One template with its data.</summary>
internal sealed record TemplateCase(string Name, string Template, HookTemplateData Data);

/// <summary>What Go did with a case.</summary>
internal sealed record GoResult(bool Ok, string Output, string Error, bool ParseError);

/// <summary>What our interpreter did with a case, in the same terms.</summary>
internal static class OurRender
{
    public static GoResult Render(TemplateCase c)
    {
        try
        {
            var template = GoTemplate.Parse(c.Name, c.Template);
            return new GoResult(true, template.Execute(c.Data.ToValue(), new FixedClock(GoReference.Now)), "", false);
        }
        catch (TemplateException e)
        {
            return new GoResult(false, "", e.Message, e.IsParseError);
        }
    }
}

/// <summary>A clock stopped at one instant, in UTC.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}

/// <summary>Skips a test, saying why, when Go or sprig is not installed.</summary>
public sealed class RequiresGoFactAttribute : FactAttribute
{
    public RequiresGoFactAttribute()
    {
        if (GoReference.MissingReason() is { } reason)
            Skip = reason;
    }
}
