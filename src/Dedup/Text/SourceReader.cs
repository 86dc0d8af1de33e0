using System.Runtime.CompilerServices;
using System.Text;

namespace Dedup.Text;

/// <summary>
/// Reads the caller's text as normalized characters, each with the range of source characters it came from: HTML
/// character references decoded, surrogate pairs joined, a lone surrogate read as U+FFFD, and every character folded
/// by <see cref="CompatibilityFold"/> (one source character may give several, all with its range). This is how the
/// tokenizer normalizes without copying the text, and why its offsets always index the caller's string.
/// </summary>
/// <remarks>A copy of a reader is a saved position: the tokenizer looks ahead on a copy.</remarks>
internal ref struct SourceReader
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;
    private string? _expansion;
    private int _expansionIndex;
    private int _unitStart;
    private int _unitEnd;

    /// <summary>A reader at <paramref name="position"/> of <paramref name="text"/>.</summary>
    public SourceReader(ReadOnlySpan<char> text, int position)
    {
        _text = text;
        _position = position;
    }

    /// <summary>The source index of the next character to decode (a boundary only when <see cref="InExpansion"/> is false).</summary>
    public readonly int Position => _position;

    /// <summary>True while characters of one source character's folding are still to come.</summary>
    public readonly bool InExpansion => _expansion is not null;

    /// <summary>Reads the next normalized character and its source range; false at the end of the text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead(out Rune rune, out int start, out int end)
    {
        if (_expansion is null && (uint)_position < (uint)_text.Length)
        {
            char c = _text[_position];
            if (c < 128 && c != '&')
            {
                start = _position;
                end = ++_position;
                rune = new Rune(c);
                return true;
            }
        }

        return ReadSlow(out rune, out start, out end);
    }

    private bool ReadSlow(out Rune rune, out int start, out int end)
    {
        if (_expansion is not null)
        {
            Rune.DecodeFromUtf16(_expansion.AsSpan(_expansionIndex), out rune, out int used);
            _expansionIndex += used;
            start = _unitStart;
            end = _unitEnd;
            if (_expansionIndex >= _expansion.Length)
            {
                _expansion = null;
            }

            return true;
        }

        start = _position;
        if (_position >= _text.Length)
        {
            rune = default;
            end = _position;
            return false;
        }

        char c = _text[_position];
        if (c == '&' && HtmlEntities.TryDecode(_text, _position, out rune, out int length))
        {
            _position += length;
        }
        else if (char.IsHighSurrogate(c) && _position + 1 < _text.Length && char.IsLowSurrogate(_text[_position + 1]))
        {
            rune = new Rune(c, _text[_position + 1]);
            _position += 2;
        }
        else
        {
            rune = char.IsSurrogate(c) ? Rune.ReplacementChar : new Rune(c);
            _position++;
        }

        end = _position;
        if (CompatibilityFold.Expansion(rune) is { } expansion)
        {
            Rune.DecodeFromUtf16(expansion, out rune, out int used);
            if (used < expansion.Length)
            {
                _expansion = expansion;
                _expansionIndex = used;
                _unitStart = start;
                _unitEnd = end;
            }
        }

        return true;
    }
}
