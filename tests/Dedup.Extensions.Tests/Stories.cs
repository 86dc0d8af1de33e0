using Dedup.Detection;

namespace Dedup.Extensions.Tests;

/// <summary>A story and a syndicated copy of it, written for these tests.</summary>
internal static class Stories
{
    private const string Body = """
        The city council approved a plan on Tuesday to rebuild the old harbour wall, which was damaged by storms in 2019 and has been closed to the public since.

        The project will cost 14 million pounds and is expected to take three years. Council leader Maria Okafor said the wall was vital for the town's fishing fleet and for the hundreds of visitors who walk along it every summer.

        Engineers will first survey the foundations before any stone is moved. The work is due to begin in the spring, when the weather is calmer and the fishing season has not yet started.

        Local businesses welcomed the news, although some residents raised concerns about noise and traffic during the construction period.
        """;

    public static Article Original { get; } = new("harbour", Body, "Council approves harbour wall rebuild");

    public static Article Wire { get; } = new("wire", "By Staff Reporter\n\n" + Body + "\n\nCopyright 2025 Coast Wire. All rights reserved.", "Harbour wall to be rebuilt");

    public static Article Unrelated { get; } = new("rail", """
        A new rail line linking the northern coast with the capital will open in December, the transport ministry announced on Monday.

        The line, which took six years to build, will cut the journey time from five hours to just under three. Tickets will go on sale next month.
        """, "New rail line to open in December");
}
