namespace Dedup.Redis.Tests;

/// <summary>The shared store's settings, checked before anything is sent.</summary>
public sealed class SharedIndexStoreOptionsTests
{
    /// <summary>
    /// An index name of white space alone made keys such as <c>{ }:b:…</c> (only an empty one was refused), and one of
    /// any length was accepted though it is repeated in every key; both are refused naming the setting.
    /// </summary>
    [Theory]
    [InlineData(" ", "white space alone")]
    [InlineData("\t\n", "white space alone")]
    [InlineData("a{b", "must not hold braces")]
    public void An_index_name_of_white_space_or_braces_is_refused(string name, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => new RedisSharedIndexStoreOptions { IndexName = name }.Validate());
        Assert.Equal(nameof(RedisSharedIndexStoreOptions.IndexName), e.ParamName);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_name_is_at_most_256_characters()
    {
        new RedisSharedIndexStoreOptions { IndexName = new string('n', RedisSharedIndexStoreOptions.MaxIndexNameLength) }.Validate();
        var e = Assert.Throws<ArgumentException>(() => new RedisSharedIndexStoreOptions { IndexName = new string('n', 10_000) }.Validate());
        Assert.Contains("10000 characters long", e.Message, StringComparison.Ordinal);
    }
}
