using System.Collections.Concurrent;

namespace Dedup.Detection;

/// <summary>
/// How many indexed articles hold each shingle: corpus-level boilerplate is what too many articles share.
/// Thread-safe.
/// </summary>
internal sealed class DocumentFrequencies
{
    private readonly ConcurrentDictionary<uint, int> _words = new();
    private readonly ConcurrentDictionary<uint, int> _skeleton = new();

    public int WordFrequency(uint shingle) => _words.TryGetValue(shingle, out int n) ? n : 0;

    public int SkeletonFrequency(uint shingle) => _skeleton.TryGetValue(shingle, out int n) ? n : 0;

    public void Add(ArticleFeatures f)
    {
        foreach (uint s in f.Words)
        {
            _words.AddOrUpdate(s, 1, static (_, n) => n + 1);
        }

        foreach (uint s in f.Skeleton)
        {
            _skeleton.AddOrUpdate(s, 1, static (_, n) => n + 1);
        }
    }

    public void Remove(ArticleFeatures f)
    {
        Decrement(_words, f.Words);
        Decrement(_skeleton, f.Skeleton);
    }

    private static void Decrement(ConcurrentDictionary<uint, int> map, uint[] shingles)
    {
        foreach (uint s in shingles)
        {
            while (map.TryGetValue(s, out int n))
            {
                if (n <= 1 ? map.TryRemove(new KeyValuePair<uint, int>(s, n)) : map.TryUpdate(s, n - 1, n))
                {
                    break;
                }
            }
        }
    }
}
