using Dedup.Detection;

// Usage: Dedup.CrashChild <snapshot path> <first id number> <seed>
// Prints "added <id>" once an add is acknowledged, "removing <id>" before a removal and "removed <id>" once it is
// acknowledged, and checkpoints now and then; it runs until it is killed.
string path = args[0];
int next = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var random = new Random(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
string[] words = ["harbour", "council", "storm", "minister", "rail", "budget", "election", "river", "bridge", "school", "hospital", "court", "police", "market", "festival", "strike"];
using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
await using CopyDetector detector = CopyDetector.Open(path);
var mine = new List<string>();
stdout.WriteLine("ready");
while (true)
{
    int roll = random.Next(100);
    if (roll < 10 && mine.Count > 0)
    {
        string id = mine[random.Next(mine.Count)];
        mine.Remove(id);
        stdout.WriteLine($"removing {id}");
        await detector.RemoveAsync(id);
        stdout.WriteLine($"removed {id}");
    }
    else if (roll < 13)
    {
        detector.Checkpoint();
        stdout.WriteLine("checkpoint");
    }
    else
    {
        string id = $"n{next++}";
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 60; i++)
        {
            text.Append(words[random.Next(words.Length)]).Append(' ').Append(random.Next(1000)).Append(' ');
        }

        if (roll < 20)
        {
            detector.AddRange([new Article(id, text.ToString(), $"Story {id}")]);
        }
        else
        {
            await detector.FindOrAddAsync(new Article(id, text.ToString(), $"Story {id}"));
        }

        mine.Add(id);
        stdout.WriteLine($"added {id}");
    }
}
