using System.Text;

namespace Handshake.Fuzz;

/// <summary>Seeded byte-level mutations aimed at text and length-prefixed protocol messages.</summary>
internal sealed class Mutator(Random random, int maxLength = 64 * 1024)
{
    private static readonly byte[][] Separators =
        [.. new[] { ",", "=", ",,", "==", ":", "$", "?", "&", "/", " ", "\n", "\r\n", "\0", ";", "#", "%", "+", "-", "*", "n,", "y,", "p=", "r=", "s=", "i=", "v=", "e=", "c=", "otpauth://totp/", "SCRAM-SHA-256$", "$A$", "ssh-rsa ", "-----BEGIN PUBLIC KEY-----\n", "-----END PUBLIC KEY-----\n" }.Select(Encoding.ASCII.GetBytes)];

    private static readonly byte[][] Numbers =
        [.. new[] { "0", "1", "-1", "00", "4095", "4096", "2147483647", "2147483648", "-2147483648", "4294967295", "4294967296", "9223372036854775807", "99999999999999999999999", "1e9", "0x10", "+1" }.Select(Encoding.ASCII.GetBytes)];

    private static readonly byte[][] BadUtf8 =
        [[0xC3], [0xFF], [0xFE, 0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80], [0xE2, 0x80], [0xEF, 0xBF, 0xBF], [0xD8, 0xB0], [0xE2, 0x80, 0x8B], [0xC2, 0xAD], [0xCC, 0x81]];

    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x2C, 0x3D, 0x0A, 0x24, 0x3A];

    public byte[] Mutate(byte[] input, IReadOnlyList<FuzzInput> corpus)
    {
        var data = new List<byte>(input);
        var rounds = 1 + random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            Apply(data, corpus);
            if (data.Count > maxLength)
            {
                data.RemoveRange(maxLength, data.Count - maxLength);
            }
        }

        return [.. data];
    }

    private void Apply(List<byte> data, IReadOnlyList<FuzzInput> corpus)
    {
        var at = data.Count == 0 ? 0 : random.Next(data.Count + 1);
        switch (random.Next(14))
        {
            case 0 when data.Count > 0: // bit flip
                var i = random.Next(data.Count);
                data[i] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0: // interesting byte
                data[random.Next(data.Count)] = Interesting[random.Next(Interesting.Length)];
                break;
            case 2: // truncate
                data.RemoveRange(at, data.Count - at);
                break;
            case 3 when data.Count > 0: // delete a range
                var start = random.Next(data.Count);
                data.RemoveRange(start, random.Next(data.Count - start + 1));
                break;
            case 4 when data.Count > 0: // duplicate a chunk
                var from = random.Next(data.Count);
                var chunk = data.GetRange(from, random.Next(data.Count - from + 1));
                data.InsertRange(at, chunk);
                break;
            case 5 when corpus.Count > 0: // splice with another seed
                var other = corpus[random.Next(corpus.Count)].Data;
                if (other.Length > 0)
                {
                    var os = random.Next(other.Length);
                    data.RemoveRange(at, data.Count - at);
                    data.AddRange(other.AsSpan(os).ToArray());
                }

                break;
            case 6: // separator
                data.InsertRange(at, Separators[random.Next(Separators.Length)]);
                break;
            case 7: // number extremes: replace a digit run
                ReplaceDigits(data);
                break;
            case 8: // invalid UTF-8
                data.InsertRange(at, BadUtf8[random.Next(BadUtf8.Length)]);
                break;
            case 9 when data.Count > 0: // length-field extremes: overwrite 1, 2 or 4 bytes big-endian
                var width = new[] { 1, 2, 4 }[random.Next(3)];
                var pos = random.Next(data.Count);
                var value = random.Next(4) switch { 0 => 0u, 1 => 0xFFFFFFFFu, 2 => 0x7FFFFFFFu, _ => (uint)random.Next(0, 70_000) };
                for (var b = 0; b < width && pos + b < data.Count; b++)
                {
                    data[pos + b] = (byte)(value >> (8 * (width - 1 - b)));
                }

                break;
            case 10: // grow: repeat a byte many times
                var n = random.Next(4) == 0 ? 5000 : random.Next(1, 300);
                data.InsertRange(at, Enumerable.Repeat(data.Count > 0 ? data[Math.Min(at, data.Count - 1)] : (byte)'A', n));
                break;
            case 11: // random bytes
                var bytes = new byte[random.Next(1, 16)];
                random.NextBytes(bytes);
                data.InsertRange(at, bytes);
                break;
            case 12 when data.Count > 1: // swap two bytes
                var x = random.Next(data.Count);
                var y = random.Next(data.Count);
                (data[x], data[y]) = (data[y], data[x]);
                break;
            default: // empty or whole-input duplicate
                if (random.Next(8) == 0)
                {
                    data.Clear();
                }
                else
                {
                    data.AddRange(data.ToArray());
                }

                break;
        }
    }

    private void ReplaceDigits(List<byte> data)
    {
        var number = Numbers[random.Next(Numbers.Length)];
        var digitStarts = new List<int>();
        for (var i = 0; i < data.Count; i++)
        {
            if (data[i] is >= (byte)'0' and <= (byte)'9' && (i == 0 || data[i - 1] is < (byte)'0' or > (byte)'9'))
            {
                digitStarts.Add(i);
            }
        }

        if (digitStarts.Count == 0)
        {
            data.InsertRange(random.Next(data.Count + 1), number);
            return;
        }

        var s = digitStarts[random.Next(digitStarts.Count)];
        var e = s;
        while (e < data.Count && data[e] is >= (byte)'0' and <= (byte)'9')
        {
            e++;
        }

        data.RemoveRange(s, e - s);
        data.InsertRange(s, number);
    }
}
