using System.IO.Hashing;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Text;

/// <summary>The inlined short-input XxHash3 must equal System.IO.Hashing's for every length, content and seed.</summary>
public class TokenHashTests
{
    [Fact]
    public void Every_length_up_to_80_bytes_equals_the_library_for_many_seeds()
    {
        var random = new Random(5);
        for (int length = 0; length <= 80; length++)
        {
            for (int trial = 0; trial < 200; trial++)
            {
                byte[] bytes = new byte[length];
                random.NextBytes(bytes);
                ulong seed = trial switch { 0 => 0, 1 => ulong.MaxValue, _ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63) };
                ulong expected = XxHash3.HashToUInt64(bytes, unchecked((long)seed));
                if (length <= 16)
                {
                    Assert.Equal(expected, TokenHash.Short(bytes, seed));
                }
                else if (length <= 64)
                {
                    Assert.Equal(expected, TokenHash.Medium(bytes, seed));
                }

                if (length % 2 == 0)
                {
                    Assert.Equal(expected, TokenHash.Hash(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, char>(bytes), seed));
                }
            }
        }
    }

    [FsCheck.Xunit.Property]
    public Property Chars_hash_like_the_library(string? text, ulong seed)
    {
        string s = text ?? string.Empty;
        byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan()).ToArray();
        return (TokenHash.Hash(s, seed) == XxHash3.HashToUInt64(bytes, unchecked((long)seed))).ToProperty();
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public Property Medium_inputs_hash_like_the_library(byte[]? pad, ulong seed)
    {
        // 17..64 bytes: the medium formula, from arbitrary content.
        byte[] bytes = new byte[17 + ((pad?.Length ?? 0) % 48)];
        pad?.AsSpan(0, Math.Min(pad.Length, bytes.Length)).CopyTo(bytes);
        return (TokenHash.Medium(bytes, seed) == XxHash3.HashToUInt64(bytes, unchecked((long)seed))).ToProperty();
    }
}
