using Dedup.Fuzz;
using SharpFuzz;

// dotnet Dedup.Fuzz.dll TARGET            under afl-fuzz (instrumented assemblies; docs/fuzzing.md)
// dotnet Dedup.Fuzz.dll TARGET FILE...    replay inputs (a crash found by afl-fuzz) without instrumentation
// dotnet Dedup.Fuzz.dll seeds FOLDER SAMPLES   write seed inputs for every target
if (args.Length == 3 && args[0] == "seeds")
{
    FuzzTargets.WriteSeeds(args[1], args[2]);
    return 0;
}

if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: Dedup.Fuzz TARGET [FILE...] | seeds FOLDER SAMPLES; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}

string target = args[0];
if (args.Length > 1)
{
    foreach (string file in args.Skip(1))
    {
        FuzzTargets.Run(target, File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    FuzzTargets.Run(target, copy.ToArray());
});
return 0;
