namespace Dedup.Text;

/// <summary>
/// Rules that mark a line as boilerplate (link insertions and page boilerplate) so that it is removed before shingling.
/// </summary>
/// <remarks>
/// A line is boilerplate when it is at most <see cref="MaxLineLength"/> characters long and, after leading bullets,
/// dashes, quotes, brackets and spaces are skipped and case is ignored, it starts with one of <see cref="LinePrefixes"/>
/// followed by a non-letter (or the end of the line), or it contains one of <see cref="LineFragments"/>.
/// The rules are plain text, not regular expressions, so they cost nothing per line that does not match.
/// </remarks>
public sealed record BoilerplateRules
{
    /// <summary>Rules for English news pages: "ALSO READ", "Read more:", "Related:", "Subscribe", "Click here", copyright and share-bar lines.</summary>
    public static BoilerplateRules Default { get; } = new();

    /// <summary>No rules: nothing is removed.</summary>
    public static BoilerplateRules None { get; } = new() { LinePrefixes = [], LineFragments = [] };

    /// <summary>Lines starting with one of these (case-insensitive, then a non-letter) are boilerplate.</summary>
    public IReadOnlyList<string> LinePrefixes { get; init; } =
    [
        "also read", "read also", "read more", "read next", "more from", "more on this", "more stories", "related", "see also",
        "recommended", "further reading", "keep reading", "continue reading", "editor's picks", "top stories",
        "you may also like", "you might also like", "don't miss", "must read", "trending", "watch", "listen",
        "subscribe", "sign up", "register for free", "click here", "tap here", "download our app", "follow us",
        "share this", "share on", "share via", "tweet this", "copyright", "\u00A9", "all rights reserved",
        "advertisement", "sponsored", "image caption", "image source", "photo credit", "getty images",
    ];

    /// <summary>Lines containing one of these (case-insensitive) are boilerplate.</summary>
    public IReadOnlyList<string> LineFragments { get; init; } =
    [
        "all rights reserved", "\u00A9 20", "\u00A9 19", "cookie policy", "privacy policy", "terms of use",
        "newsletter", "click here", "follow us on", "sign up for", "subscribe to our",
    ];

    /// <summary>Longer lines are never boilerplate (they are content that happens to mention a rule's words). Default 200.</summary>
    public int MaxLineLength { get; init; } = 200;

    /// <summary>The rules as the record prints them: the prefixes and fragments listed, not their collection's type.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("LinePrefixes = ");
        AppendList(builder, LinePrefixes);
        builder.Append(", LineFragments = ");
        AppendList(builder, LineFragments);
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $", MaxLineLength = {MaxLineLength}");
        return true;
    }

    private static void AppendList(System.Text.StringBuilder builder, IReadOnlyList<string>? items)
    {
        if (items is null)
        {
            builder.Append("null");
            return;
        }

        builder.Append('[').AppendJoin(", ", items.Select(i => $"\"{i}\"")).Append(']');
    }
}
