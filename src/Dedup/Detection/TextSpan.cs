namespace Dedup.Detection;

/// <summary>A range of characters in an article's original text (title and body as given, joined by a blank line when there is a title).</summary>
/// <param name="Start">Index of the first character.</param>
/// <param name="Length">Number of characters.</param>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>Index one past the last character.</summary>
    public int End => Start + Length;
}

/// <summary>A passage the two articles share: where it stands in each.</summary>
/// <param name="First">The passage in the first article.</param>
/// <param name="Second">The passage in the second article.</param>
/// <param name="Exact">True when the passage's tokens are identical in both; false when they align with some words changed.</param>
public readonly record struct SharedPassage(TextSpan First, TextSpan Second, bool Exact);
