using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;
using Stash.Restore.Core.Secrets;

namespace Stash.Restore.Core.Logging;

/// <summary>
/// One JSON object per line: <c>time</c> (RFC 3339, UTC), <c>level</c>, <c>msg</c> (rendered),
/// <c>namespace</c>/<c>session</c>/<c>host</c> when known, every other property by its name,
/// and <c>exception</c> when there is one.
/// </summary>
/// <remarks>
/// Every string is masked <em>before</em> it is JSON-escaped: a secret holding <c>"</c> or
/// <c>\</c> looks different once escaped, and masking only the finished line would miss it.
/// </remarks>
internal sealed class JsonLogFormatter(SecretMasker masker) : ITextFormatter
{
    private const string TimeKey = "time";
    private const string LevelKey = "level";
    private const string MessageKey = "msg";
    private const string ExceptionKey = "exception";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keeps '+', '<', '&' and non-ASCII readable; quotes, backslashes and control
        // characters are still escaped, so each event stays on one line.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly Dictionary<string, string> ContextKeys = new(StringComparer.Ordinal)
    {
        [LogProperties.Namespace] = "namespace",
        [LogProperties.Session] = "session",
        [LogProperties.Host] = "host",
    };

    private static readonly HashSet<string> ReservedKeys = new(StringComparer.Ordinal)
    {
        TimeKey, LevelKey, MessageKey, ExceptionKey, "namespace", "session", "host",
    };

    private readonly SecretMasker _masker = masker;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString(TimeKey, logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString(LevelKey, LevelName(logEvent.Level));
            json.WriteString(MessageKey, _masker.Apply(MessageRendering.Render(logEvent)));

            // A message that is one property ("{Error}") already says it in msg: say it once.
            var wholeMessage = WholeMessageProperty(logEvent);
            foreach (var (name, value) in logEvent.Properties)
            {
                if (name == wholeMessage)
                    continue;
                var key = ContextKeys.TryGetValue(name, out var contextKey) ? contextKey
                    : ReservedKeys.Contains(name) ? "_" + name
                    : name;
                json.WritePropertyName(_masker.Apply(key));
                WriteValue(json, value);
            }

            if (logEvent.Exception is not null)
                json.WriteString(ExceptionKey, _masker.Apply(logEvent.Exception.ToString().ReplaceLineEndings("\n")));

            json.WriteEndObject();
        }
        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    private static string? WholeMessageProperty(LogEvent logEvent) =>
        logEvent.MessageTemplate.Tokens.ToList() is [Serilog.Parsing.PropertyToken only] ? only.PropertyName : null;

    /// <summary>Lower-case level names as structured-log collectors expect them.</summary>
    public static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "trace",
        LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warn",
        LogEventLevel.Error => "error",
        _ => "fatal",
    };

    private void WriteValue(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(json, scalar.Value);
                break;
            case SequenceValue sequence:
                json.WriteStartArray();
                foreach (var element in sequence.Elements)
                    WriteValue(json, element);
                json.WriteEndArray();
                break;
            case StructureValue structure:
                json.WriteStartObject();
                foreach (var property in structure.Properties)
                {
                    json.WritePropertyName(_masker.Apply(property.Name));
                    WriteValue(json, property.Value);
                }
                json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                json.WriteStartObject();
                foreach (var (key, element) in dictionary.Elements)
                {
                    json.WritePropertyName(_masker.Apply(key.Value?.ToString() ?? "null"));
                    WriteValue(json, element);
                }
                json.WriteEndObject();
                break;
            default:
                json.WriteStringValue(_masker.Apply(value.ToString()));
                break;
        }
    }

    private void WriteScalar(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case byte or sbyte or short or ushort or int or long:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case uint or ulong:
                json.WriteNumberValue(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
                break;
            case decimal d:
                json.WriteNumberValue(d);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case DateTimeOffset dto:
                json.WriteStringValue(dto.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                break;
            case DateTime dt:
                json.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(_masker.Apply(Convert.ToString(value, CultureInfo.InvariantCulture)));
                break;
        }
    }
}
