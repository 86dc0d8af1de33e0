namespace Dedup.Tests;

/// <summary>Finds files of the repository and of the shared corpus beside it.</summary>
internal static class RepoFiles
{
    /// <summary>The folder that holds Dedup.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A file of the repository, by its path from the root.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>The dev corpus folder (../shared/corpus/dev), or null where it is absent (a fresh clone elsewhere).</summary>
    public static string? DevCorpus
    {
        get
        {
            string dir = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, "..", "shared", "corpus", "dev"));
            return File.Exists(System.IO.Path.Combine(dir, "documents.jsonl")) ? dir : null;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(d.FullName, "Dedup.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("Dedup.sln not found above " + AppContext.BaseDirectory);
    }
}
