using System.Diagnostics;
using System.Globalization;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>journal-replay FILE COUNT</c>: writes a detector journal of COUNT articles of a corpus (in batches of 1,000, in a
/// temporary folder, removed after), then times five replays of it (<c>DetectorJournal.Replay</c>, the first step of
/// <c>CopyDetector.Open</c>), each median and the journal's size printed: the replay reads the file through a window,
/// not whole, so that a journal of 2 GiB or more opens.
/// </summary>
internal static class JournalReplay
{
    public static int Run(string[] args)
    {
        if (args.Length < 3 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out int count) || count < 1)
        {
            Console.Error.WriteLine("usage: journal-replay FILE.jsonl COUNT   (a journal of COUNT articles, replayed five times)");
            return 2;
        }

        List<Article> articles = JsonlArticles.Read(args[1], count);
        string folder = Directory.CreateTempSubdirectory("dedup-replay-").FullName;
        try
        {
            string path = Path.Combine(folder, "index.journal");
            using (DetectorJournal journal = DetectorJournal.OpenForAppend(path, 0, JournalFlush.OperatingSystem, DetectorJournal.JournalHeader.NoSnapshot))
            {
                foreach (Article[] batch in articles.Chunk(1_000))
                {
                    journal.AppendAdds(batch, DateTime.UtcNow.Ticks);
                }
            }

            var times = new List<double>();
            for (int round = 0; round < 5; round++)
            {
                long characters = 0;
                long start = Stopwatch.GetTimestamp();
                DetectorJournal.Replay(path, (_, article, _) => characters += article?.Text.Length ?? 0, out int records);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (records != articles.Count)
                {
                    Console.Error.WriteLine($"replayed {records:N0} records of {articles.Count:N0}");
                    return 1;
                }
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{articles.Count:N0} articles, journal {new FileInfo(path).Length:N0} bytes: replay median {times[2]:0.0} ms (of {string.Join(", ", times.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture)))})"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
