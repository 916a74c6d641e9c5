using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stash.Restore.Core.Engine;
using Stash.Restore.Core.Logging;

namespace Stash.Restore.Cli;

/// <summary>
/// restic's progress as one live line on a terminal (<c>docker run -it</c>, <c>kubectl exec -it</c>):
/// percent, a bar, bytes done of total, rate, time left and files done of total, redrawn in place at most
/// four times a second by Spectre.Console's progress display, and cleared when restic ends so the summary
/// line takes its place. Log lines written meanwhile go through the same console, above the live line,
/// so neither garbles the other (<see cref="Log"/> is what the logger writes to).
/// </summary>
internal sealed class TerminalProgress : ILiveProgress
{
    /// <summary>"A few times a second": often enough to look live, rarely enough to cost nothing.</summary>
    internal static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(250);

    private readonly IAnsiConsole _console;
    private readonly LiveLogWriter _log;
    private readonly TimeProvider _clock;

    private TerminalProgress(TextWriter terminal, TimeProvider clock)
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // The caller checked that stderr is a terminal; Spectre's own checks would look at stdout.
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(terminal),
            // CI detectors would turn the live display off inside a pod whose environment names a CI.
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        _log = new LiveLogWriter(terminal, _console);
        _clock = clock;
    }

    /// <summary>Where log lines go: straight to the terminal, or above the live line while it shows.</summary>
    public TextWriter Log => _log;

    /// <summary>
    /// A live view when stderr is a terminal and logs are text (not <c>TERM=dumb</c>); null otherwise, and
    /// progress is logged as throttled lines as before.
    /// </summary>
    public static TerminalProgress? For(CliHost host, LogOptions logOptions)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(logOptions);
        if (!host.ErrorIsTerminal || logOptions.EffectiveFormat != LogFormat.Text
            || string.Equals(host.Environment.GetValueOrDefault("TERM"), "dumb", StringComparison.Ordinal))
            return null;
        return new TerminalProgress(host.Error, host.Clock);
    }

    public async Task<T> ShowAsync<T>(RestoreUnit unit, Func<IProgress<UnitProgress>, Task<T>> restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var display = new Progress(_console, _clock)
        {
            AutoClear = true,
            HideCompleted = true,
            ExcludeVerticalPadding = true,
            RefreshRate = RedrawInterval,
        }.Columns(
            new PercentageColumn(),
            new ProgressBarColumn { Width = 20 },
            new DownloadedColumn(),
            // Rate and time left from restic's own figures: its bytes arrive a pack at a time, too
            // unevenly for Spectre's sampled speed.
            new TaskDescriptionColumn { Alignment = Justify.Left });
        _log.Live = true;
        try
        {
            return await display.StartAsync(context => restore(new View(context, unit)));
        }
        finally
        {
            _log.Live = false;
        }
    }

    /// <summary>
    /// "2.0 MiB/s, 0:03 left, host-0: 1,234 of 5,000 files/dirs": the rate since restic started the call and
    /// the time left at that rate (restic counts directories with files while it runs), with the call when
    /// there are several.
    /// </summary>
    internal static string Describe(RestoreUnit unit, UnitProgress progress)
    {
        var rate = progress.BytesPerSecond;
        var left = rate > 0 ? FormatTimeLeft(TimeSpan.FromSeconds(Math.Max(0, progress.TotalBytes - progress.BytesDone) / rate)) : "--:--";
        var call = progress.Calls > 1 ? string.Create(CultureInfo.InvariantCulture, $" call {progress.Call}/{progress.Calls}") : "";
        var skipped = progress.FilesSkipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", {progress.FilesSkipped:N0} unchanged") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Core.Restic.HumanReadable.Bytes((long)rate)}/s, {left} left, {unit.Name}{call}: {progress.FilesDone:N0} of {progress.TotalFiles:N0} files/dirs{skipped}");
    }

    /// <summary>"0:42", "12:05", "3:02:10".</summary>
    internal static string FormatTimeLeft(TimeSpan left) => left.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{left.Minutes}:{left.Seconds:00}");

    /// <summary>One progress row per restic call (each counts from zero again); restic's output reader reports here.</summary>
    private sealed class View(ProgressContext context, RestoreUnit unit) : IProgress<UnitProgress>
    {
        private readonly Lock _gate = new();
        private ProgressTask? _task;
        private int _call = -1;

        public void Report(UnitProgress value)
        {
            var description = Markup.Escape(Describe(unit, value));
            lock (_gate)
            {
                if (_task is null || value.Call != _call)
                {
                    _task?.StopTask();
                    _task = context.AddTask(description, maxValue: Math.Max(1, value.TotalBytes));
                    _call = value.Call;
                }
                _task.MaxValue = Math.Max(1, value.TotalBytes);
                _task.Value = value.BytesDone;
                _task.Description = description;
            }
        }
    }

    /// <summary>
    /// The logger's output: whole lines, written straight to the terminal, or while the live line shows
    /// through Spectre's console — which puts them above it — as they are (no markup, no wrapping).
    /// </summary>
    private sealed class LiveLogWriter(TextWriter terminal, IAnsiConsole console) : TextWriter
    {
        private readonly StringBuilder _pending = new();
        private readonly Lock _gate = new();
        private volatile bool _live;

        public bool Live
        {
            get => _live;
            set
            {
                lock (_gate)
                    _live = value;
            }
        }

        public override Encoding Encoding => terminal.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value))
                return;
            lock (_gate)
            {
                _pending.Append(value);
                var text = _pending.ToString();
                var end = text.LastIndexOf('\n');
                if (end < 0)
                    return;
                _pending.Remove(0, end + 1);
                Emit(text[..(end + 1)]);
            }
        }

        public override void Flush()
        {
            lock (_gate)
                terminal.Flush();
        }

        private void Emit(string lines)
        {
            if (!_live)
            {
                terminal.Write(lines);
                terminal.Flush();
                return;
            }
            console.Write(new PlainLines(lines));
        }
    }

    /// <summary>Text as it is: one segment per line, never wrapped or read as markup.</summary>
    private sealed class PlainLines(string text) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => new(1, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                yield return new Segment(line);
                yield return Segment.LineBreak;
            }
        }
    }
}
