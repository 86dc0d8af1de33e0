using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Dedup.Tests;

/// <summary>
/// The JIT compiles a method that holds both a stack buffer (<c>stackalloc</c>) and a loop optimized at once, not at
/// tier 0 (on-stack replacement cannot move such a loop to optimized code): milliseconds of a live service's first
/// calls for each (docs/architecture.md, "First calls"). No method of the library may do so unless it is marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/> (compiled optimized at once on purpose) or is listed here
/// with the reason it does not run in a live detector's calls.
/// </summary>
public class FirstCallCompilingTests
{
    /// <summary>Methods with a stack buffer and a loop that a live detector's find and add do not run, by type and name.</summary>
    private static readonly HashSet<string> OffTheLivePath =
    [
        // The batch scan's posting index (ahead-of-time compiled in the tool, once a scan in a program).
        "Dedup.Detection.PostingIndex.Distribute",
        "Dedup.Detection.PostingIndex.SortByDigits",
        // MinHash signatures, the MinHash LSH and SimHash indexes and their snapshots: the library's sketches and
        // indexes, not the detector's path.
        "Dedup.Sketches.MinHasher.ComputeBins",
        "Dedup.Sketches.MinHasher.ComputeClassic",
        "Dedup.Indexing.MinHashLshIndex.AddRange",
        "Dedup.Indexing.MinHashLshIndex.EntriesOf",
        "Dedup.Indexing.MinHashLshIndex.LoadRecords",
        "Dedup.Indexing.SnapshotReader.ReadAndVerifyChecksum",
        "Dedup.Indexing.SimHashIndex.Query",
        // The scalar reference tokenizer (the property tests' reference, and the path without vector hardware).
        "Dedup.Text.Tokenizer.TokenizeReference",
    ];

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void No_method_combines_a_stack_buffer_and_a_loop_unless_optimized_on_purpose_or_off_the_live_path()
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Type type in typeof(Dedup.Detection.CopyDetector).Assembly.GetTypes())
        {
            IEnumerable<MethodBase> methods = type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All));
            foreach (MethodBase method in methods)
            {
                if ((method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0
                    || method.GetMethodBody()?.GetILAsByteArray() is not { } il)
                {
                    continue;
                }

                (bool stackBuffer, bool loop) = Scan(il);
                if (stackBuffer && loop)
                {
                    found.Add(Name(method));
                }
            }
        }

        // Local functions and lambdas are named after the method that holds them. The list holds no name that is not found.
        string[] unexpected = [.. found.Where(name => !OffTheLivePath.Contains(name))];
        Assert.True(unexpected.Length == 0, "These methods hold a stack buffer and a loop, so the JIT optimizes them at once on first use: " + string.Join(", ", unexpected));
        Assert.Empty(OffTheLivePath.Except(found));
    }

    [Fact]
    public void The_scan_finds_a_stack_buffer_and_a_loop_in_a_method_that_has_both()
    {
        MethodBase both = typeof(FirstCallCompilingTests).GetMethod(nameof(SumOfStackBuffer), BindingFlags.NonPublic | BindingFlags.Static)!;
        MethodBase loopOnly = typeof(FirstCallCompilingTests).GetMethod(nameof(SumOfArray), BindingFlags.NonPublic | BindingFlags.Static)!;
        Assert.Equal((true, true), Scan(both.GetMethodBody()!.GetILAsByteArray()!));
        Assert.Equal((false, true), Scan(loopOnly.GetMethodBody()!.GetILAsByteArray()!));
        Assert.Equal(6, SumOfStackBuffer(4) + SumOfArray(new int[2]));
    }

    private static int SumOfStackBuffer(int n)
    {
        Span<int> values = stackalloc int[n];
        int sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
            sum += values[i];
        }

        return sum;
    }

    private static int SumOfArray(int[] values)
    {
        int sum = 0;
        foreach (int v in values)
        {
            sum += v;
        }

        return sum;
    }

    /// <summary>The method's declaring type (the outermost one a compiler-generated type is nested in) and its name, local functions and lambdas named after their holder.</summary>
    private static string Name(MethodBase method)
    {
        Type type = method.DeclaringType!;
        string name = method.Name;
        while (type.IsNested && type.Name.Contains('<', StringComparison.Ordinal))
        {
            type = type.DeclaringType!;
        }

        if (name.StartsWith('<'))
        {
            name = name[1..name.IndexOf('>', StringComparison.Ordinal)];
        }

        return $"{type.FullName}.{name}";
    }

    /// <summary>Whether the IL allocates on the stack (<c>localloc</c>) and branches backwards (a loop).</summary>
    private static (bool StackBuffer, bool Loop) Scan(byte[] il)
    {
        bool stackBuffer = false, loop = false;
        int i = 0;
        while (i < il.Length)
        {
            int start = i;
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            OpCode op = OpCodesByValue[value];
            stackBuffer |= op == OpCodes.Localloc;
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                    loop |= i + 1 + (sbyte)il[i] <= start;
                    i += 1;
                    break;
                case OperandType.InlineBrTarget:
                    loop |= i + 4 + BitConverter.ToInt32(il, i) <= start;
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    int targets = BitConverter.ToInt32(il, i);
                    int next = i + 4 + (4 * targets);
                    for (int t = 0; t < targets; t++)
                    {
                        loop |= next + BitConverter.ToInt32(il, i + 4 + (4 * t)) <= start;
                    }

                    i = next;
                    break;
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                default:
                    i += 4;
                    break;
            }
        }

        return (stackBuffer, loop);
    }
}
