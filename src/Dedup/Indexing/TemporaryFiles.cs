namespace Dedup.Indexing;

/// <summary>
/// The temporary files of whole-file saves: a save writes <c>.NAME.&lt;32 hex digits&gt;.tmp</c> beside NAME and renames
/// it over NAME once written, so a process killed mid-write leaves one behind. This source file is compiled into the
/// library (its snapshots) and, linked, into the command-line tool (its scan outputs): one rule for both, and no
/// public API for it.
/// </summary>
internal static class TemporaryFiles
{
    /// <summary>How old a temporary file must be before another save may take it for the orphan of a killed one.</summary>
    internal static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Deletes the temporary files that saves of <paramref name="fileName"/> killed mid-write left behind: those older than
    /// <see cref="OrphanAge"/> that no process holds open (a save holds its temporary file exclusively until it is renamed).
    /// </summary>
    public static void RemoveOrphans(string directory, string fileName)
    {
        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(directory, $".{fileName}.*.tmp");
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        DateTime cutoff = DateTime.UtcNow - OrphanAge;
        foreach (string candidate in candidates)
        {
            string guid = Path.GetFileName(candidate)[(fileName.Length + 2)..^4];
            if (guid.Length != 32 || !Guid.TryParseExact(guid, "N", out _) || File.GetLastWriteTimeUtc(candidate) > cutoff)
            {
                continue;
            }

            try
            {
                // An exclusive open fails while a running save still writes the file.
                using var held = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                File.Delete(candidate);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
