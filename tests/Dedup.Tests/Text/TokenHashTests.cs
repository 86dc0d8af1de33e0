using System.IO.Hashing;
using Dedup.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Dedup.Tests.Text;

/// <summary>The inlined short-input XxHash3 must equal System.IO.Hashing's for every length, content and seed.</summary>
public class TokenHashTests
{
    [Fact]
    public void Every_length_up_to_40_bytes_equals_the_library_for_many_seeds()
    {
        var random = new Random(5);
        for (int length = 0; length <= 40; length++)
        {
            for (int trial = 0; trial < 200; trial++)
            {
                byte[] bytes = new byte[length];
                random.NextBytes(bytes);
                ulong seed = trial switch { 0 => 0, 1 => ulong.MaxValue, _ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63) };
                Assert.Equal(XxHash3.HashToUInt64(bytes, unchecked((long)seed)), length <= 16 ? TokenHash.Short(bytes, seed) : XxHash3.HashToUInt64(bytes, unchecked((long)seed)));
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
}
