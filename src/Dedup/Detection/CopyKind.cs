namespace Dedup.Detection;

/// <summary>What kind of copy one article is of another.</summary>
public enum CopyKind
{
    /// <summary>The same text after normalization (whitespace, quotes, dashes, case).</summary>
    Duplicate = 0,

    /// <summary>The same story republished with edits: new headline, byline, footers, inserted link lines, light copy edits, reordered paragraphs.</summary>
    Syndicated = 1,

    /// <summary>One article contains most of the other: a lead excerpt, or the story embedded in a longer page.</summary>
    Excerpt = 2,

    /// <summary>A machine-rewritten ("spun") copy: many content words swapped for synonyms.</summary>
    Rewritten = 3,
}
