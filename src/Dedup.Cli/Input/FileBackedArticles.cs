using System.Buffers;
using Dedup.Detection;
using Microsoft.Win32.SafeHandles;

namespace Dedup.Cli.Input;

/// <summary>
/// The articles of one UTF-8 JSONL file without their texts in memory: the offset and length of each accepted line,
/// re-read and parsed again whenever an article is asked for (a scan asks once, in its parallel features loop).
/// A scan of a million articles then holds their features, not 5 GB of strings. Safe for concurrent readers.
/// </summary>
internal sealed class FileBackedArticles : IReadOnlyList<Article>, IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly List<long> _offsets = [];
    private readonly List<int> _lengths = [];
    private readonly IReadOnlyList<Article>? _kept;

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

    public Article this[int index]
    {
        get
        {
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
    }

    /// <summary>Records the next article's line: its first byte and its length with the line break.</summary>
    public void Add(long offset, int length)
    {
        _offsets.Add(offset);
        _lengths.Add(length);
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
