using Dedup.Detection;

namespace Dedup.Cli.Stores;

/// <summary>An index kept in one snapshot file (<see cref="CopyDetector.SaveToFile"/>, written atomically).</summary>
internal sealed class FileIndexStore(string path) : IIndexStore
{
    public string Location => path;

    public bool Exists => File.Exists(path);

    public CopyDetector Load()
    {
        if (Directory.Exists(path))
        {
            throw CliException.BadInput($"{path}: is a folder; --store expects a file");
        }

        if (!File.Exists(path))
        {
            throw CliException.IO($"{path}: no such index (create one with 'dedup index add --store {path} INPUT')");
        }

        try
        {
            return CopyDetector.LoadFromFile(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.BadStore, $"{path}: not a readable dedup index ({e.Message})");
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw CliException.IO($"{path}: {e.Message}");
        }
    }

    public void Save(CopyDetector detector)
    {
        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && !Directory.Exists(folder))
            {
                throw CliException.IO($"{path}: no such folder: {folder}");
            }

            detector.SaveToFile(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.IO($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw CliException.IO($"{path}: {e.Message}");
        }
    }

    public IReadOnlyList<(string Key, object Value)> Describe()
        => [("store", Path.GetFullPath(path)), ("bytes", new FileInfo(path).Length)];
}
