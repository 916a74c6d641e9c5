using Serilog.Events;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Logging;

/// <summary>
/// Masks every string inside an event's properties before it is formatted. Formatters quote
/// and escape values (<c>"</c> becomes <c>\"</c>), and a secret holding such characters would
/// no longer match once escaped, so masking only the finished line is not enough.
/// </summary>
internal static class LogEventMasking
{
    public static LogEvent Mask(LogEvent logEvent, SecretMasker masker)
    {
        var properties = logEvent.Properties
            .Select(p => new LogEventProperty(p.Key, Mask(p.Value, masker)))
            .ToList();
        return new LogEvent(logEvent.Timestamp, logEvent.Level, logEvent.Exception, logEvent.MessageTemplate, properties);
    }

    private static LogEventPropertyValue Mask(LogEventPropertyValue value, SecretMasker masker) => value switch
    {
        ScalarValue { Value: string text } => new ScalarValue(masker.Apply(text)),
        SequenceValue sequence => new SequenceValue(sequence.Elements.Select(e => Mask(e, masker))),
        StructureValue structure => new StructureValue(
            structure.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value, masker))),
            structure.TypeTag),
        DictionaryValue dictionary => new DictionaryValue(dictionary.Elements.Select(e =>
            new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                e.Key.Value is string key ? new ScalarValue(masker.Apply(key)) : e.Key,
                Mask(e.Value, masker)))),
        _ => value,
    };
}
