using Dedup.Detection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Detection;

/// <summary>The corpus model's membership lookup (<see cref="ShingleLookup"/>) answers as a <see cref="HashSet{T}"/> of the same values.</summary>
public class ShingleLookupTests
{
    /// <summary>
    /// Sets of any size, 0 in or out, with values that share a first slot (equal top bits of the product) or the filter's
    /// bits (equal low bits); probed with members, their neighbours and values that collide with them.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Answers_as_a_HashSet_of_its_members(int seed, ushort size, bool zero, byte collide)
    {
        var random = new Random(seed);
        int n = size % 5000;
        var members = new HashSet<uint>();
        while (members.Count < n)
        {
            uint v = (uint)random.NextInt64(0, 1L << 32);
            members.Add(collide % 3 == 0 ? v & 0xFFFF_0000 : collide % 3 == 1 ? v & 0x0000_FFFF : v);
        }

        if (zero)
        {
            members.Add(0);
        }
        else
        {
            members.Remove(0);
        }

        var lookup = new ShingleLookup(members);
        IEnumerable<uint> probes = members
            .SelectMany(v => new[] { v, v + 1, v - 1, v ^ 0x8000_0000, v ^ 1 })
            .Concat(Enumerable.Range(0, 2000).Select(_ => (uint)random.NextInt64(0, 1L << 32)))
            .Append(0u).Append(uint.MaxValue);
        uint[] wrong = [.. probes.Where(p => lookup.Contains(p) != members.Contains(p)).Take(5)];
        bool listed = lookup.SortedMembers().SequenceEqual(members.Order());
        return (wrong.Length == 0 && lookup.Count == members.Count && listed).Label($"{members.Count} members (0 {(zero ? "in" : "out")}): wrong for {string.Join(", ", wrong)}; listed {listed}");
    }

    [Fact]
    public void An_empty_lookup_holds_nothing()
    {
        var lookup = new ShingleLookup(new HashSet<uint>());
        Assert.Equal(0, lookup.Count);
        Assert.False(lookup.Contains(0));
        Assert.False(lookup.Contains(12345));
    }
}
