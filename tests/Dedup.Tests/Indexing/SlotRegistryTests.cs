using Dedup.Indexing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dedup.Tests.Indexing;

public class SlotRegistryTests
{
    [Fact]
    public void Slots_are_dense_and_a_freed_slot_is_reused_last_freed_first()
    {
        var registry = new SlotRegistry();
        Assert.Equal(0, registry.Add("a"));
        Assert.Equal(1, registry.Add("b"));
        Assert.Equal(2, registry.Add("c"));
        Assert.True(registry.Remove("a", out int a));
        Assert.True(registry.Remove("c", out int c));
        Assert.Equal((0, 2), (a, c));
        Assert.Equal(2, registry.Add("d"));
        Assert.Equal(0, registry.Add("e"));
        Assert.Equal(3, registry.Add("f"));
        Assert.Equal(4, registry.Count);
        Assert.Equal(4, registry.HighWater);
    }

    [Fact]
    public void Adding_a_registered_id_fails_and_changes_nothing()
    {
        var registry = new SlotRegistry();
        int slot = registry.Add("a");
        Assert.False(registry.TryAdd("a", out int again));
        Assert.Equal(slot, again);
        Assert.Throws<ArgumentException>(() => registry.Add("a"));
        Assert.Equal(1, registry.Count);
        Assert.Equal(1, registry.HighWater);
    }

    [Fact]
    public void Ids_compare_ordinally()
    {
        var registry = new SlotRegistry();
        registry.Add("a");
        Assert.False(registry.Contains("A"));
        Assert.NotEqual(registry.Add("A"), registry.Add("a\u0301"));
    }

    [Fact]
    public void A_retired_slot_reads_as_empty_and_is_reused_only_after_release()
    {
        var registry = new SlotRegistry();
        int old = registry.Add("a");
        Assert.True(registry.Retire("a", out int retired));
        Assert.Equal(old, retired);
        Assert.False(registry.TryGetId(retired, out _));
        Assert.False(registry.Contains("a"));

        int again = registry.Add("a");
        Assert.NotEqual(retired, again);
        Assert.NotEqual(retired, registry.Add("b"));

        registry.Release(retired);
        Assert.Equal(retired, registry.Add("c"));
    }

    [Fact]
    public void A_reserved_slot_is_not_live_nor_reused_until_attached_or_released()
    {
        var registry = new SlotRegistry<string>();
        int reserved = registry.Reserve();
        Assert.False(registry.TryGetId(reserved, out _));
        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.LiveValues());
        int other = registry.Add("b", "B");
        Assert.NotEqual(reserved, other);

        registry.Attach("a", reserved, "A");
        Assert.True(registry.TryGetSlot("a", out int slot));
        Assert.Equal(reserved, slot);
        Assert.True(registry.TryGetValue("a", out string? value));
        Assert.Equal("A", value);
        Assert.Throws<ArgumentException>(() => registry.Attach("b", registry.Reserve(), "again"));

        int second = registry.Reserve();
        registry.Release(second);
        Assert.Equal(second, registry.Add("c", "C"));
    }

    [Fact]
    public void Retire_with_value_hands_back_the_value_and_keeps_the_slot()
    {
        var registry = new SlotRegistry<string>();
        int slot = registry.Add("a", "A");
        Assert.True(registry.Retire("a", out int retired, out string? value));
        Assert.Equal((slot, "A"), (retired, value));
        Assert.Null(registry[retired]);
        Assert.False(registry.TryGetValue("a", out _));
        Assert.False(registry.Retire("a", out _, out _));
        Assert.NotEqual(retired, registry.Add("b", "B"));
    }

    [Fact]
    public void TryGetId_answers_for_any_int()
    {
        var registry = new SlotRegistry();
        registry.Add("a");
        Assert.True(registry.TryGetId(0, out string? id));
        Assert.Equal("a", id);
        Assert.False(registry.TryGetId(1, out _));
        Assert.False(registry.TryGetId(-1, out _));
        Assert.False(registry.TryGetId(int.MaxValue, out _));
        Assert.Throws<InvalidOperationException>(() => registry.IdAt(1));
    }

    [Fact]
    public void Values_follow_their_slot_and_a_freed_slot_drops_its_value()
    {
        var registry = new SlotRegistry<object?>();
        object first = new(), second = new();
        int a = registry.Add("a", first);
        int b = registry.Add("b", second);
        Assert.Same(first, registry[a]);
        Assert.True(registry.Remove("a", out int removed, out object? value));
        Assert.Equal(a, removed);
        Assert.Same(first, value);
        Assert.Null(registry[a]);
        Assert.True(registry.Retire("b", out _));
        Assert.Null(registry[b]);
        Assert.False(registry.Remove("a", out _, out object? none));
        Assert.Null(none);
    }

    [Fact]
    public void Values_survive_growth()
    {
        var registry = new SlotRegistry<ulong>();
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(i, registry.Add($"k{i}", (ulong)i * 7));
        }

        registry.EnsureCapacity(5000);
        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal((ulong)i * 7, registry[i]);
        }

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (ulong)i * 7), registry.LiveValues());
    }

    /// <summary>
    /// Any sequence of adds, removes, retires and releases agrees with a plain model: the same ids in the same slots,
    /// new ids in the last freed slot or else the next one, retired slots never handed out, live slots listed in order.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Any_sequence_of_operations_agrees_with_a_model()
    {
        Gen<(int Op, int Key)> step = Gen.Zip(Gen.Choose(0, 9), Gen.Choose(0, 7));
        return Prop.ForAll(step.ArrayOf().ToArbitrary(), steps =>
        {
            var registry = new SlotRegistry<string?>();
            var live = new Dictionary<string, int>(StringComparer.Ordinal);
            var retired = new List<int>();
            var free = new Stack<int>();
            int highWater = 0;
            foreach ((int op, int k) in steps)
            {
                string key = $"id{k}";
                switch (op)
                {
                    case < 4:
                        bool isNew = !live.ContainsKey(key);
                        int expected = isNew ? (free.Count > 0 ? free.Pop() : highWater++) : live[key];
                        if (registry.TryAdd(key, out int slot) != isNew || slot != expected)
                        {
                            return false;
                        }

                        if (isNew)
                        {
                            registry[slot] = key;
                        }

                        live[key] = expected;
                        break;
                    case < 6:
                        bool had = live.Remove(key, out int was);
                        if (registry.Remove(key, out int removed, out string? value) != had || (had && (removed != was || value != key)))
                        {
                            return false;
                        }

                        if (had)
                        {
                            free.Push(was);
                        }

                        break;
                    case < 8:
                        bool present = live.Remove(key, out int before);
                        if (registry.Retire(key, out int gone) != present || (present && gone != before))
                        {
                            return false;
                        }

                        if (present)
                        {
                            retired.Add(before);
                        }

                        break;
                    default:
                        if (retired.Count > 0)
                        {
                            int release = retired[k % retired.Count];
                            retired.Remove(release);
                            registry.Release(release);
                            free.Push(release);
                        }

                        break;
                }

                if (!Agrees(registry, live, retired, highWater))
                {
                    return false;
                }
            }

            return true;
        });
    }

    private static bool Agrees(SlotRegistry<string?> registry, Dictionary<string, int> live, List<int> retired, int highWater)
    {
        if (registry.Count != live.Count || registry.HighWater != highWater)
        {
            return false;
        }

        foreach ((string key, int slot) in live)
        {
            if (!registry.TryGetSlot(key, out int actual) || actual != slot
                || !registry.TryGetId(slot, out string? id) || id != key || registry[slot] != key)
            {
                return false;
            }
        }

        foreach (int slot in retired)
        {
            if (registry.TryGetId(slot, out _) || registry[slot] is not null)
            {
                return false;
            }
        }

        var listed = new List<int>();
        foreach (int slot in registry.LiveSlots)
        {
            listed.Add(slot);
        }

        return listed.SequenceEqual(live.Values.Order())
            && registry.LiveValues().SequenceEqual(live.OrderBy(p => p.Value).Select(p => (string?)p.Key));
    }
}
