using System.Text;

namespace Dedup.Cli.Tests;

/// <summary>What one run of the tool printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the tool in-process, as Program would, with redirected output.</summary>
internal static class Cli
{
    public static Task<CliRun> RunAsync(params string[] args) => RunWithInputAsync((byte[]?)null, args);

    /// <summary>Runs the tool with <paramref name="cancellationToken"/> as its Ctrl+C (cancelled: the signal came before or while it loads).</summary>
    public static async Task<CliRun> RunCancellableAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = await DedupApp.RunAsync(args, stdout, stderr, Stream.Null, cancellationToken);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    public static async Task<CliRun> RunWithInputAsync(byte[]? stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new MemoryStream(stdin ?? []);
        int exit = await DedupApp.RunAsync(args, stdout, stderr, input, TestContext.Current.CancellationToken);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary><see cref="Output.Printable.ForTerminal"/>.</summary>
    public static string Printable(string text) => Output.Printable.ForTerminal(text);

    public static Task<CliRun> RunWithInputAsync(string stdin, params string[] args) => RunWithInputAsync(Encoding.UTF8.GetBytes(stdin), args);

    /// <summary>The repository root (where Dedup.sln is).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>samples/news.jsonl.</summary>
    public static string NewsSample => Path.Combine(RepoRoot, "samples", "news.jsonl");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dedup.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Dedup.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dedup-cli-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public string WriteBytes(string name, byte[] content)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
