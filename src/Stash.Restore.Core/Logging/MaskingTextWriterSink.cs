using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Logging;

/// <summary>
/// The one place log text is written. Property values are masked before formatting (escaping
/// would hide a secret holding quotes from a later pass), the event is formatted in memory,
/// the whole text (message, properties, exception) goes through <see cref="SecretMasker.Apply"/>,
/// and only then does it reach the output — so no logging call, however careless, can leak a secret
/// that the masker knows.
/// </summary>
/// <remarks>The output is not owned: disposing the logger does not close it.</remarks>
internal sealed class MaskingTextWriterSink(TextWriter output, ITextFormatter formatter, SecretMasker masker) : ILogEventSink
{
    private readonly TextWriter _output = output;
    private readonly ITextFormatter _formatter = formatter;
    private readonly SecretMasker _masker = masker;
    private readonly Lock _gate = new();

    public void Emit(LogEvent logEvent)
    {
        using var buffer = new StringWriter();
        _formatter.Format(LogEventMasking.Mask(logEvent, _masker), buffer);
        var text = _masker.Apply(buffer.ToString());

        lock (_gate)
        {
            try
            {
                _output.Write(text);
                _output.Flush();
            }
            catch (IOException)
            {
                // A closed stdout (pipe gone) must not turn logging into a failed restore.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
