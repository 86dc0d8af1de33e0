using System.Text;
using System.Text.RegularExpressions;

namespace Dedup.Tests.Detection;

/// <summary>Articles written for these tests, and a small spinner with its own thesaurus.</summary>
internal static partial class TestArticles
{
    public const string Harbour = """
        The city council approved a plan on Tuesday to rebuild the old harbour wall, which was damaged by storms in 2019 and has been closed to the public since.

        The project will cost 14 million pounds and is expected to take three years. Council leader Maria Okafor said the wall was vital for the town's fishing fleet and for the hundreds of visitors who walk along it every summer.

        "We have waited far too long for this decision," she told reporters outside the town hall. "The harbour is the heart of our community and it deserves to be protected for the next hundred years."

        Engineers will first survey the foundations before any stone is moved. The work is due to begin in the spring, when the weather is calmer and the fishing season has not yet started.

        Local businesses welcomed the news, although some residents raised concerns about noise and traffic during the construction period. The council said it would publish a detailed schedule and hold public meetings before work starts.

        The harbour wall was first built in 1847 and was last repaired in the 1970s, when a smaller section collapsed after a winter storm.
        """;

    public const string Rail = """
        A new rail line linking the northern coast with the capital will open in December, the transport ministry announced on Monday.

        The line, which took six years to build, will cut the journey time from five hours to just under three. Tickets will go on sale next month, and the first trains are expected to carry more than 20,000 passengers a day.

        Transport minister David Ferreira said the project had been delivered on budget despite delays caused by flooding in 2021. "This is the biggest investment in our railways for a generation," he said at a ceremony in the port city.

        Critics have argued that the money would have been better spent on improving existing services, many of which suffer from frequent cancellations. Passenger groups said they hoped the new line would not draw trains away from older routes.

        The ministry said a further extension to the southern border was being studied but that no decision would be taken before the next election.
        """;

    /// <summary>Another story on the harbour: same topic, same names, different events.</summary>
    public const string HarbourFollowUp = """
        Fishing crews in the town have asked the council to delay the harbour works until the end of the season, saying the timing could cost them their best months.

        At a packed meeting on Thursday evening, skippers told council leader Maria Okafor that moving boats to a temporary mooring would add hours to every trip. Several said they supported the repairs but feared for their livelihoods.

        Ms Okafor promised to look again at the timetable and said engineers were studying whether the work could be done in stages. A decision is expected by the end of the month.

        Residents also asked for a footpath to remain open during the works. The council said it would consider the request as part of its review.
        """;

    /// <summary>A quote that both <see cref="QuoteA"/> and <see cref="QuoteB"/> carry, and nothing else.</summary>
    public const string SharedQuote = "\"We cannot afford to wait another decade while the coastline is washed away piece by piece, and every family here knows it,\" the campaign said in a statement.";

    public static string QuoteA => Rail + "\n\n" + SharedQuote;

    public static string QuoteB => HarbourFollowUp + "\n\n" + SharedQuote;

    /// <summary>Syndication: new headline and byline, a dateline, an inserted link line, light copy edits, a footer.</summary>
    public static string Syndicate(string text)
    {
        string[] paragraphs = text.Split("\n\n");
        var sb = new StringBuilder();
        sb.Append("By Staff Reporter\n\n");
        for (int i = 0; i < paragraphs.Length; i++)
        {
            string p = paragraphs[i].Replace("said", "says", StringComparison.Ordinal).Replace('"', '\u201C');
            if (i == 0)
            {
                p = "LONDON (Wire) - " + p;
            }

            sb.Append(p).Append("\n\n");
            if (i == 1)
            {
                sb.Append("ALSO READ  Ten things to do this weekend in the city\n\n");
            }
        }

        sb.Append("\u00A9 2025 Example Wire. All rights reserved.");
        return sb.ToString();
    }

    /// <summary>The lead: the first <paramref name="paragraphs"/> paragraphs.</summary>
    public static string Lead(string text, int paragraphs) => string.Join("\n\n", text.Split("\n\n").Take(paragraphs));

    /// <summary>
    /// A synonym spinner with its own thesaurus: swaps every content word it has a synonym for, and mangles names the
    /// way real spinners do (a capitalized name that is also a word gets a lowercase synonym).
    /// </summary>
    public static string Spin(string text, double rate = 1.0)
    {
        int n = 0;
        return WordRegex().Replace(text, m =>
        {
            string w = m.Value;
            string key = w.ToLowerInvariant();
            if (!Thesaurus.TryGetValue(w, out string? synonym) && !Thesaurus.TryGetValue(key, out synonym))
            {
                return w;
            }

            n++;
            if ((n * 7919 % 100) >= rate * 100)
            {
                return w;
            }

            return char.IsUpper(w[0]) && !Names.Contains(w) ? char.ToUpperInvariant(synonym[0]) + synonym[1..] : synonym;
        });
    }

    private static readonly HashSet<string> Names = ["Blinken", "Guardian", "Harbour"];

    private static readonly Dictionary<string, string> Thesaurus = new(StringComparer.Ordinal)
    {
        ["city"] = "metropolis", ["council"] = "assembly", ["approved"] = "sanctioned", ["plan"] = "scheme", ["rebuild"] = "reconstruct",
        ["old"] = "ancient", ["harbour"] = "port", ["wall"] = "barrier", ["damaged"] = "harmed", ["storms"] = "tempests",
        ["closed"] = "shut", ["public"] = "populace", ["project"] = "undertaking", ["cost"] = "price", ["expected"] = "anticipated",
        ["take"] = "need", ["years"] = "twelvemonths", ["leader"] = "chief", ["vital"] = "essential", ["town"] = "township",
        ["fishing"] = "angling", ["fleet"] = "flotilla", ["hundreds"] = "scores", ["visitors"] = "guests", ["walk"] = "stroll",
        ["summer"] = "summertime", ["waited"] = "tarried", ["long"] = "lengthy", ["decision"] = "determination", ["told"] = "informed",
        ["reporters"] = "journalists", ["outside"] = "beyond", ["hall"] = "hallway", ["heart"] = "core", ["community"] = "residential_area",
        ["deserves"] = "merits", ["protected"] = "shielded", ["next"] = "following", ["engineers"] = "technologists", ["survey"] = "study",
        ["foundations"] = "groundwork", ["stone"] = "rock", ["moved"] = "shifted", ["work"] = "labour", ["due"] = "owed",
        ["begin"] = "commence", ["spring"] = "springtime", ["weather"] = "conditions", ["calmer"] = "quieter", ["season"] = "time_of_year",
        ["started"] = "begun", ["local"] = "topical", ["businesses"] = "concerns", ["welcomed"] = "greeted", ["news"] = "tidings",
        ["residents"] = "occupants", ["raised"] = "elevated", ["concerns"] = "worries", ["noise"] = "racket", ["traffic"] = "dealings",
        ["construction"] = "building", ["period"] = "stop", ["detailed"] = "elaborate", ["schedule"] = "agenda", ["hold"] = "bear",
        ["meetings"] = "encounters", ["starts"] = "begins", ["built"] = "constructed", ["repaired"] = "mended", ["smaller"] = "littler",
        ["section"] = "subdivision", ["collapsed"] = "crumbled", ["winter"] = "wintertime", ["storm"] = "tempest",
        ["military"] = "armed_forces", ["war"] = "warfare", ["country"] = "nation", ["president"] = "chief_executive",
        ["forces"] = "personnel", ["leaders"] = "chiefs", ["said"] = "aforesaid", ["attack"] = "onslaught", ["army"] = "host",
        ["troops"] = "soldiery", ["report"] = "account", ["official"] = "functionary", ["week"] = "hebdomad", ["trip"] = "journey",
        ["major"] = "main", ["failure"] = "loser", ["strategic"] = "tactical", ["offensive"] = "violative", ["new"] = "fresh",
        ["government"] = "authorities", ["statement"] = "assertion", ["talks"] = "negotiations", ["secretary"] = "repository",
        ["state"] = "province", ["visit"] = "sojourn", ["meeting"] = "encounter", ["weapons"] = "arms", ["support"] = "backing",
        ["ally"] = "friend", ["join"] = "link", ["coming"] = "approaching", ["warned"] = "cautioned", ["senior"] = "elder",
        ["foreign"] = "alien", ["force"] = "power", ["regime"] = "authorities", ["invasion"] = "intrusion", ["enough"] = "adequate",
        ["trigger"] = "spark", ["response"] = "reply", ["director"] = "manager", ["republic"] = "commonwealth", ["defend"] = "guard",
        ["territory"] = "land", ["available"] = "accessible", ["full"] = "total", ["warning"] = "alert", ["fears"] = "dreads",
        ["renewed"] = "restored", ["launched"] = "set_up", ["outbreak"] = "eruption", ["attacks"] = "onslaughts", ["failed"] = "unsuccessful",
        ["attempt"] = "effort", ["intelligence"] = "word", ["brace"] = "steel", ["suspected"] = "surmised", ["diplomat"] = "envoy",
        ["threat"] = "menace", ["potential"] = "possible", ["recent"] = "late", ["border"] = "boundary", ["ready"] = "prepared",
        ["gathered"] = "amassed", ["aides"] = "assistants", ["condition"] = "status", ["personnel"] = "staff", ["regions"] = "areas",
        ["Blinken"] = "Blink", ["guardian"] = "protector", ["according"] = "harmonizing", ["sources"] = "reservoirs",
    };

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordRegex();
}
