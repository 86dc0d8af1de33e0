using System.Buffers;
using Dedup.Detection;
using Microsoft.Win32.SafeHandles;

namespace Dedup.Cli.Input;

/// <summary>
/// The articles of one UTF-8 JSONL file without their texts in memory: the offset and length of each accepted line,
/// re-read and parsed again whenever an article is asked for (a scan asks once, in its parallel features loop).
/// A scan of a million articles then holds their features, not 5 GB of strings. Safe for concurrent readers.
/// </summary>
/// <remarks>
/// Lines whose text, title and source are written exactly alike (a story delivered again under other ids) are read
/// from the file once while one of them is held: the others are that article with their own id and time. The first
/// of them asked for is held until the last is, within <see cref="MaxHeldCharacters"/> in all (beyond it, each is
/// read from the file). This pays where many lines repeat (the dev corpus ×8: seven in eight); where few do, the
/// keys and the held texts only cost memory (at a million lines of which 5% repeat, 60 MB more at the scan's peak for
/// half a second of reading), so unless one in eight of the first <see cref="DecideAfter"/> lines repeats an earlier
/// one, lines are no longer keyed and every article is read from the file.
/// </remarks>
internal sealed class FileBackedArticles : IReadOnlyList<Article>, IDisposable
{
    /// <summary>The most characters of text, title and source held for lines still to be asked for: 16 MB (the dev corpus ×8 holds 6 MB).</summary>
    internal const long MaxHeldCharacters = 8L << 20;

    /// <summary>The lines after which repeated lines are looked for only if one in <see cref="MinRepeatShare"/> of them repeated an earlier one.</summary>
    internal const int DecideAfter = 1 << 16;

    /// <summary>See <see cref="DecideAfter"/>.</summary>
    private const int MinRepeatShare = 8;

    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly List<long> _offsets = [];
    private readonly List<int> _lengths = [];
    private readonly IReadOnlyList<Article>? _kept;

    /// <summary>While reading: the first line of each text as written (by <see cref="SameTextKey"/>).</summary>
    private Dictionary<Key, int>? _firstOfText = [];

    /// <summary>For each line, the first line of its text as written (itself for the first), or -1 for a text written once; null once lines are no longer keyed.</summary>
    private List<int>? _group = [];

    /// <summary>How many lines repeated an earlier one.</summary>
    private int _repeats;

    /// <summary>After <see cref="EndOfInput"/>, when any text is written more than once: by a text's first line, how many of its lines are still to be asked for.</summary>
    private int[]? _toCome;

    /// <summary>An article of each text some of whose lines are still to be asked for, by the text's first line, and how many characters they hold.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Article> _held = new();
    private long _heldCharacters;
    private int _fileReads;

    /// <param name="path">The file.</param>
    /// <param name="kept">
    /// The articles as kept while reading (id and date), parallel to this list once filled, or null: an article read
    /// again takes its kept id, so that what a scan holds of it (its features) shares that string rather than holding a
    /// second copy (a million ids are tens of megabytes).
    /// </param>
    public FileBackedArticles(string path, IReadOnlyList<Article>? kept = null)
    {
        _path = path;
        _kept = kept;
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    public int Count => _offsets.Count;

    /// <summary>How many articles were read from the file (a copy given from a held article is not): for tests.</summary>
    internal int FileReads => Volatile.Read(ref _fileReads);

    /// <summary>How many articles are held for copies still to be asked for: for tests.</summary>
    internal int Held => _held.Count;

    public Article this[int index]
    {
        get
        {
            int group = _toCome is null ? -1 : _group![index];
            if (group < 0)
            {
                return Read(index);
            }

            if (_held.TryGetValue(group, out Article? held))
            {
                if (Interlocked.Decrement(ref _toCome![group]) <= 0)
                {
                    Release(group);
                }

                // What reading the line would give: the text, title and source of its group, its own kept id and time.
                Article kept = _kept![index];
                return held with { Id = kept.Id, Published = kept.Published };
            }

            Article article = Read(index);
            if (Interlocked.Decrement(ref _toCome![group]) > 0)
            {
                Hold(group, article);
            }
            else
            {
                // The last of its text: another line's article may have been held since this one was looked for.
                Release(group);
            }

            return article;
        }
    }

    /// <summary>
    /// The key of a line's text, title and source as written: equal keys, equal articles but for the id and time. The
    /// text's JSON string (<paramref name="textToken"/>, as the quick reading found it) is hashed as it stands (equal
    /// strings decode alike), the title and source as read. Zero for an empty token (the line was read another way):
    /// such a line is always read again.
    /// </summary>
    internal static UInt128 SameTextKey(ReadOnlySpan<byte> line, Range textToken, Article parsed)
    {
        ReadOnlySpan<byte> token = line[textToken];
        if (token.IsEmpty)
        {
            return default;
        }

        ulong seed = Hash(parsed.Source, Hash(parsed.Title, 0));
        UInt128 key = System.IO.Hashing.XxHash128.HashToUInt128(token, unchecked((long)seed));
        return key == default ? 1 : key;

        // A value's characters, its length (-1 for none) in the seed, so that no two (title, source) pairs run together.
        static ulong Hash(string? value, ulong seed) =>
            System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.AsSpan()), unchecked((long)seed + (value?.Length ?? -1)));
    }

    /// <summary>Holds an article of a text for its lines to come, within <see cref="MaxHeldCharacters"/>.</summary>
    private void Hold(int group, Article article)
    {
        long characters = Characters(article);
        if (Interlocked.Add(ref _heldCharacters, characters) > MaxHeldCharacters || !_held.TryAdd(group, article))
        {
            Interlocked.Add(ref _heldCharacters, -characters);
            return;
        }

        // The text's last line may have been asked for (and read from the file) since the count was taken.
        if (Volatile.Read(ref _toCome![group]) <= 0)
        {
            Release(group);
        }
    }

    private void Release(int group)
    {
        if (_held.TryRemove(group, out Article? article))
        {
            Interlocked.Add(ref _heldCharacters, -Characters(article));
        }
    }

    private static long Characters(Article article) => article.Text.Length + (article.Title?.Length ?? 0) + (article.Source?.Length ?? 0);

    /// <summary>Reads a line's article from the file.</summary>
    private Article Read(int index)
    {
        Interlocked.Increment(ref _fileReads);
        int length = _lengths[index];
        long offset = _offsets[index];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            int read = 0;
            while (read < length)
            {
                int n = RandomAccess.Read(_file, buffer.AsSpan(read, length - read), offset + read);
                if (n == 0)
                {
                    throw CliException.IO($"{_path}: the file changed while it was scanned");
                }

                read += n;
            }

            Memory<byte> line = buffer.AsMemory(0, length);
            if (line.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                line = line[3..];
            }

            while (!line.IsEmpty && line.Span[^1] is (byte)'\n' or (byte)'\r')
            {
                line = line[..^1];
            }

            // The line passed the first reading: read again for the text alone, unless it no longer reads as it did.
            if (_kept is not null && index < _kept.Count && ArticleReader.ParseAgain(line.Span, _kept[index]) is { } again)
            {
                return again;
            }

            Article article = ArticleReader.Parse(line)
                ?? throw CliException.IO($"{_path}: the file changed while it was scanned (byte {offset} no longer holds an article)");
            if (_kept is not null && index < _kept.Count && !ReferenceEquals(_kept[index].Id, article.Id))
            {
                if (!string.Equals(_kept[index].Id, article.Id, StringComparison.Ordinal))
                {
                    throw CliException.IO($"{_path}: the file changed while it was scanned (byte {offset} now holds the article {article.Id}, not {_kept[index].Id})");
                }

                article = article with { Id = _kept[index].Id };
            }

            return article;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Records the next article's line: its first byte, its length with the line break, and the key of its text as
    /// written (<see cref="SameTextKey"/>; zero for none).
    /// </summary>
    public void Add(long offset, int length, UInt128 sameText = default)
    {
        if (_group is not null && _firstOfText is not null)
        {
            int group = -1;
            if (sameText != default)
            {
                ref int first = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_firstOfText, new Key((ulong)sameText, (ulong)(sameText >> 64)), out bool seen);
                if (!seen)
                {
                    first = _offsets.Count;
                }
                else
                {
                    _group[first] = first;
                    group = first;
                    _repeats++;
                }
            }

            _group.Add(group);
            if (_group.Count == DecideAfter && _repeats < DecideAfter / MinRepeatShare)
            {
                (_firstOfText, _group) = (null, null);
            }
        }

        _offsets.Add(offset);
        _lengths.Add(length);
    }

    /// <summary>Ends the reading: the lines of each text written more than once are counted, and the keys let go.</summary>
    public void EndOfInput()
    {
        _firstOfText = null;
        if (_group is null || _kept is null || _kept.Count != Count || _toCome is not null)
        {
            return;
        }

        int[]? toCome = null;
        for (int i = 0; i < _group.Count; i++)
        {
            if (_group[i] >= 0)
            {
                toCome ??= new int[_group.Count];
                toCome[_group[i]]++;
            }
        }

        _toCome = toCome;
        if (toCome is null)
        {
            _group = null;
        }
    }

    /// <summary>A text's key in the reading's table: two halves, 8-byte aligned (a <see cref="UInt128"/> entry takes 48 bytes, this one 32).</summary>
    private readonly record struct Key(ulong Low, ulong High)
    {
        public bool Equals(Key other) => Low == other.Low && High == other.High;

        public override int GetHashCode() => (int)Low;
    }

    public IEnumerator<Article> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _file.Dispose();
}
