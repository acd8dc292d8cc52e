using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace UuLearning;

/// <summary>The key space of a chat labeler's answers in an <see cref="IAnnotationStore"/>: a short hash of a JSON
/// object holding what shapes the answers (the labeler's own fields, then the answer-shaping chat options).</summary>
internal static class LabelingKeySpace
{
    /// <summary>Hashes the labeler's fields (written by <paramref name="writeFields"/>) and the chat options.</summary>
    public static string Compute(Action<Utf8JsonWriter> writeFields, ChatOptions? chatOptions)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeFields(writer);
            var o = chatOptions;
            if (o is not null)
            {
                WriteOptional(writer, "temperature", o.Temperature);
                WriteOptional(writer, "topP", o.TopP);
                WriteOptional(writer, "topK", o.TopK);
                WriteOptional(writer, "maxOutputTokens", o.MaxOutputTokens);
                WriteOptional(writer, "seed", o.Seed);
                WriteOptional(writer, "frequencyPenalty", o.FrequencyPenalty);
                WriteOptional(writer, "presencePenalty", o.PresencePenalty);
                if (o.Instructions is not null)
                {
                    writer.WriteString("instructions", o.Instructions);
                }
                if (o.StopSequences is { Count: > 0 } stops)
                {
                    writer.WriteString("stop", string.Join("\u001f", stops));
                }
            }
            writer.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan))[..16];
    }

    private static void WriteOptional<T>(Utf8JsonWriter writer, string name, T? value) where T : struct
    {
        if (value is T v)
        {
            writer.WriteString(name, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
