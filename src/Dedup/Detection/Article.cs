namespace Dedup.Detection;

/// <summary>An article to index or compare.</summary>
/// <param name="Id">The caller's unique id of the article.</param>
/// <param name="Text">The body text.</param>
/// <param name="Title">The headline, if any; it is compared with the body.</param>
/// <param name="Published">When it was published, if known; the earliest published copy of a cluster is its original.</param>
/// <param name="Source">The outlet or feed, if known.</param>
public sealed record Article(string Id, string Text, string? Title = null, DateTimeOffset? Published = null, string? Source = null);
