using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Dedup.Cli.Commands;
using Dedup.Cli.Input;
using Dedup.Detection;

namespace Dedup.Cli;

/// <summary>
/// The <c>dedup</c> tool: parses the command line, runs a command, and turns every failure into a one-line message
/// and an exit code (<see cref="ExitCodes"/>). <c>Program</c> only forwards here, so tests run it in-process.
/// </summary>
internal static class DedupApp
{
    /// <summary>Runs the tool with redirected (non-terminal) output.</summary>
    /// <param name="args">The command line, without the tool's name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where messages go.</param>
    /// <param name="stdin">Standard input as bytes; null for an empty one.</param>
    /// <param name="cancellationToken">Cancels the run (exit code 130).</param>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Stream? stdin = null, CancellationToken cancellationToken = default)
        => RunAsync(args, new CliConsole(stdout, stderr, () => stdin ?? Stream.Null), cancellationToken);

    /// <summary>Runs the tool.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        try
        {
            RootCommand root = Build(console);
            ParseResult parse = root.Parse(args);
            // An unknown option is taken for an argument by the parser (`scan --bogus in.jsonl` blamed in.jsonl, and
            // `scan --version` looked for a file of that name): named as what it is.
            // (After "--" every word is an argument: `dedup index remove --store s -- -odd-id`.)
            string[] unknown = args.Contains("--") ? [] : [.. parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>()
                .SelectMany(a => a.Tokens).Select(t => t.Value)
                .Where(v => v.Length > 1 && v[0] == '-' && !File.Exists(v) && !Directory.Exists(v))];
            if (unknown.Length > 0)
            {
                foreach (string option in unknown)
                {
                    console.Message($"unknown option '{option}'");
                }

                console.Error.WriteLine($"Run '{string.Join(' ', CommandPath(parse.CommandResult))} --help' for usage.");
                return ExitCodes.BadInput;
            }

            if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction or null)
            {
                string command = string.Join(' ', CommandPath(parse.CommandResult));
                IList<Command> commands = parse.CommandResult.Command.Subcommands;
                if (commands.Count > 0)
                {
                    // A command of commands ("dedup", "dedup index") given none, or a word that is none: one line that
                    // names the word and the commands (the parser said "Required command was not provided", then each
                    // word it did not know, a line each).
                    string known = string.Join(", ", commands.Where(c => !c.Hidden).Select(c => c.Name));
                    console.Message(parse.UnmatchedTokens.Count == 0
                        ? $"no command given; the commands of '{command}' are {known}"
                        : parse.UnmatchedTokens[0].StartsWith('-')
                        ? $"unknown option '{parse.UnmatchedTokens[0]}'; the commands of '{command}' are {known}"
                        : $"unknown command '{parse.UnmatchedTokens[0]}'; the commands of '{command}' are {known}");
                }
                else
                {
                    foreach (string message in UsageErrors(parse))
                    {
                        console.Message(message);
                    }
                }

                console.Error.WriteLine($"Run '{command} --help' for usage.");
                return ExitCodes.BadInput;
            }

            var configuration = new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Program owns Ctrl+C and passes its token in.
            };
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception e) when (Output.StandardOutput.IsBrokenPipe(e))
        {
            // The reader of standard output has all it wanted (| head): nothing to say, and nowhere to say it there.
            return ExitCodes.BrokenPipe;
        }
        catch (CliException e)
        {
            console.Message(e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException e)
        {
            console.Message(e is Commands.PartlyWrittenException ? e.Message : "cancelled");
            return ExitCodes.Cancelled;
        }
        catch (UnauthorizedAccessException e)
        {
            console.Message(CliException.PathFirst(e));
            return ExitCodes.IOError;
        }
        catch (IOException e)
        {
            console.Message(CliException.PathFirst(e));
            return ExitCodes.IOError;
        }
#pragma warning disable CA1031 // The top of the tool: anything unexpected becomes one line and exit code 70, never a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            console.Message($"internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("DEDUP_DEBUG") is "1" or "true")
            {
                console.Error.WriteLine(e);
            }
            else
            {
                console.Error.WriteLine("This is a bug in dedup; set DEDUP_DEBUG=1 for details and please report it.");
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>
    /// The parser's errors in the tool's words, as its own checks write them ("--threads must be ...", "unknown option
    /// '--x'": lower case, no closing period, the option named first). They are told from what failed, not from the
    /// parser's text, which came in another style ("Unrecognized command or argument 'x'.", "Option '--threads' expects
    /// a single argument but 2 were provided.") and follows the culture; an error of another kind keeps its text.
    /// </summary>
    internal static IEnumerable<string> UsageErrors(ParseResult parse)
    {
        foreach (string token in parse.UnmatchedTokens)
        {
            yield return token.Length > 1 && token[0] == '-' ? $"unknown option '{token}'" : $"unexpected argument '{token}'";
        }

        foreach (ParseError error in parse.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult { Option: { } option, IdentifierToken: null }:
                    // Not given at all (the parser's "is required" error is the option's, not its command's).
                    yield return $"{option.Name} is required ({option.HelpName ?? "VALUE"})";
                    break;
                case OptionResult { Option: { } option } o when o.Tokens.Count > option.Arity.MaximumNumberOfValues:
                    yield return option.Arity.MaximumNumberOfValues == 1
                        ? $"{option.Name} is given {o.Tokens.Count} times; give it once"
                        : $"{option.Name} takes at most {option.Arity.MaximumNumberOfValues} values, got {o.Tokens.Count}";
                    break;
                case OptionResult { Option: { } option } o when o.Tokens.Count < option.Arity.MinimumNumberOfValues:
                    yield return $"{option.Name} needs a value ({option.HelpName ?? "VALUE"})";
                    break;
                case ArgumentResult { Argument: { } argument } a when a.Tokens.Count < argument.Arity.MinimumNumberOfValues:
                    yield return $"missing {argument.Name}";
                    break;
                case CommandResult when parse.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)):
                    // Said above, as an unknown option or an unexpected argument.
                    break;
                default:
                    yield return InOwnStyle(error.Message);
                    break;
            }
        }
    }

    /// <summary>A sentence of the parser's as the tool writes its messages: the first letter in lower case (not an acronym's), no closing period.</summary>
    internal static string InOwnStyle(string message)
    {
        message = message.TrimEnd().TrimEnd('.');
        return message.Length > 1 && char.IsUpper(message[0]) && char.IsLower(message[1])
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;
    }

    private static Stack<string> CommandPath(CommandResult? result)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Push(c.Command is RootCommand ? "dedup" : c.Command.Name);
            }
        }

        return names;
    }

    /// <summary>Builds the command tree.</summary>
    internal static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("Finds copies among news articles: duplicates, syndicated copies, excerpts and machine-spun rewrites.");
        root.Subcommands.Add(BuildScan(console));
        root.Subcommands.Add(BuildCompare(console));
        root.Subcommands.Add(BuildIndex(console));
        return root;
    }

    private static Command BuildScan(CliConsole console)
    {
        Argument<string> input = InputArgument();
        Option<double> threshold = ThresholdOption();
        var pairs = new Option<string?>("--pairs") { Description = "Write every pair of copies to this JSONL file.", HelpName = "PAIRS.jsonl" };
        var clusters = new Option<string?>("--clusters") { Description = "Write every document's cluster (singletons included) to this JSONL file.", HelpName = "CLUSTERS.jsonl" };
        var report = new Option<string?>("--report") { Description = "Write a self-contained HTML report of the clusters to this file.", HelpName = "REPORT.html" };
        Option<bool> json = JsonOption("Print the summary as one JSON object.");
        Option<bool> skipBad = SkipBadOption();
        var noRewrites = new Option<bool>("--no-rewrites") { Description = "Do not look for rewritten copies (no skeleton or paraphrase evidence); a copy found verbatim with much of its wording changed is still reported rewritten." };
        var noRules = new Option<bool>("--no-boilerplate-rules") { Description = "Keep link lines, footers and other boilerplate that the boilerplate rules would remove." };
        var boilerplateDf = new Option<int?>("--boilerplate-df")
        {
            Description = "A shingle in more than this many articles may be publisher boilerplate (default: the library's, 10).",
            HelpName = "N",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) && value >= 2)
                {
                    return value;
                }

                result.AddError($"--boilerplate-df must be a whole number of at least 2 (up to {int.MaxValue}), got {(text.Length == 0 ? "nothing" : text)}");
                return null;
            },
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Work on at most this many threads (default: all cores).",
            HelpName = "N",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1)
                {
                    return n;
                }

                result.AddError($"--threads must be a whole number of at least 1 (up to {int.MaxValue}), got {(text.Length == 0 ? "nothing" : text)}");
                return null;
            },
        };
        Option<InputEncoding> encoding = EncodingOption();
        var command = new Command("scan", "Find every pair of copies among the articles of INPUT and cluster them. Exit code 1 when copies were found.")
        {
            input, threshold, pairs, clusters, report, json, skipBad, noRewrites, noRules, boilerplateDf, encoding, threads,
        };
        command.SetAction((parse, ct) => ScanCommand.RunAsync(
            console,
            new ScanSettings(parse.GetRequiredValue(input), parse.GetValue(threshold), parse.GetValue(pairs), parse.GetValue(clusters), parse.GetValue(report), parse.GetValue(json), parse.GetValue(skipBad))
            {
                DetectRewrites = !parse.GetValue(noRewrites),
                BoilerplateRules = !parse.GetValue(noRules),
                BoilerplateDocumentFrequency = parse.GetValue(boilerplateDf),
                Encoding = parse.GetValue(encoding),
                Threads = parse.GetValue(threads),
            },
            ct));
        return command;
    }

    private static Command BuildCompare(CliConsole console)
    {
        var first = new Argument<string>("A") { Description = "The first text file, or - for standard input." };
        var second = new Argument<string>("B") { Description = "The second text file, or - for standard input." };
        Option<double> threshold = ThresholdOption();
        Option<bool> json = JsonOption("Print the comparison as one JSON object.");
        Option<InputEncoding> encoding = EncodingOption();
        var command = new Command("compare", "Compare two texts: every score, the kind of copy (or not a copy), the shared passages side by side and the boilerplate lines ignored. Exit code 1 when they are copies.")
        {
            first, second, threshold, json, encoding,
        };
        command.SetAction((parse, ct) => CompareCommand.RunAsync(
            console,
            new CompareSettings(parse.GetRequiredValue(first), parse.GetRequiredValue(second), parse.GetValue(threshold), parse.GetValue(json)) { Encoding = parse.GetValue(encoding) },
            ct));
        return command;
    }

    private static Command BuildIndex(CliConsole console)
    {
        var index = new Command("index", "A persistent index of articles in a snapshot file: add, query, remove, stats.");

        Option<string> store = StoreOption();
        Argument<string> input = InputArgument();
        var threshold = new Option<double?>("--threshold", "-t")
        {
            Description = "Minimum score in [0, 1] for two articles to count as copies; set when the index is created.",
            CustomParser = ParseThreshold,
            HelpName = "T",
        };

        Option<bool> skipBad = SkipBadOption();
        Option<bool> json = JsonOption("Print the result as one JSON object.");
        Option<InputEncoding> encoding = EncodingOption();
        var add = new Command("add", "Add the articles of INPUT to the index, creating it if missing.") { input, store, threshold, skipBad, json, encoding };
        add.SetAction((parse, ct) => IndexCommand.AddAsync(
            console, parse.GetRequiredValue(store), parse.GetRequiredValue(input), parse.GetValue(threshold), parse.GetValue(skipBad), parse.GetValue(json), parse.GetValue(encoding), ct));
        index.Subcommands.Add(add);

        Option<string> queryStore = StoreOption();
        Argument<string> queryInput = InputArgument();
        Option<bool> querySkipBad = SkipBadOption();
        Option<InputEncoding> queryEncoding = EncodingOption();
        var queryThreshold = new Option<double?>("--threshold", "-t")
        {
            Description = "Minimum score in [0, 1] for a match, for this query; by default the index's own.",
            CustomParser = ParseThreshold,
            HelpName = "T",
        };
        var query = new Command("query", "Print, as JSON lines, the indexed copies of each article of INPUT. Exit code 1 when any was found.") { queryInput, queryStore, queryThreshold, querySkipBad, queryEncoding };
        query.SetAction((parse, ct) => IndexCommand.QueryAsync(
            console, parse.GetRequiredValue(queryStore), parse.GetRequiredValue(queryInput), parse.GetValue(queryThreshold), parse.GetValue(querySkipBad), parse.GetValue(queryEncoding), ct));
        index.Subcommands.Add(query);

        Option<string> removeStore = StoreOption();
        var ids = new Argument<string[]>("ID") { Description = "Ids of the articles to remove.", Arity = ArgumentArity.OneOrMore };
        Option<bool> removeJson = JsonOption("Print the result as one JSON object.");
        var remove = new Command("remove", "Remove articles from the index by id; if any id is not indexed, nothing is removed.") { ids, removeStore, removeJson };
        remove.SetAction((parse, ct) => IndexCommand.RemoveAsync(console, parse.GetRequiredValue(removeStore), parse.GetRequiredValue(ids), parse.GetValue(removeJson), ct));
        index.Subcommands.Add(remove);

        Option<string> statsStore = StoreOption();
        Option<bool> statsJson = JsonOption("Print the statistics as one JSON object.");
        var stats = new Command("stats", "Print the number of indexed articles and the store's size.") { statsStore, statsJson };
        stats.SetAction((parse, ct) => IndexCommand.StatsAsync(console, parse.GetRequiredValue(statsStore), parse.GetValue(statsJson), ct));
        index.Subcommands.Add(stats);
        return index;
    }

    private static Argument<string> InputArgument() => new("INPUT")
    {
        Description = "A JSONL file of articles ({\"id\", \"text\", \"title\"?, \"published\"?, \"source\"?} per line), a folder of .txt files, or - for JSONL on standard input.",
    };

    private static Option<double> ThresholdOption() => new("--threshold", "-t")
    {
        Description = "Minimum score in [0, 1] for two articles to count as copies.",
        DefaultValueFactory = _ => DetectorOptions.Default.Threshold,
        CustomParser = result => ParseThreshold(result) ?? DetectorOptions.Default.Threshold,
        HelpName = "T",
    };

    /// <summary>
    /// The threshold as written: a number in [0, 1] with a decimal point. The parser's own reading takes thousands
    /// separators, so "0,5" (a decimal comma) was read as 5 and passed to the library (a crash, exit 70); it is an
    /// error naming the option now, as is an empty or unreadable value (which named a .NET type).
    /// </summary>
    private static double? ParseThreshold(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value) && value is >= 0 and <= 1)
        {
            // "-0" is 0, and is printed as 0 (the summary said "threshold -0").
            return value == 0 ? 0 : value;
        }

        bool number = double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
        result.AddError(text.Contains(',', StringComparison.Ordinal)
            ? $"--threshold must lie between 0 and 1, written with a decimal point (0.5, not 0,5); got {text}"
            : text.Length == 0 ? "--threshold must lie between 0 and 1, got nothing"
            : !number ? $"--threshold must be a number between 0 and 1, written like 0.5; got {text}, which is not a number"
            : $"--threshold must lie between 0 and 1, got {text}");
        return null;
    }

    private static Option<string> StoreOption() => new("--store")
    {
        Description = "The index: a snapshot file path (created by 'add' if missing), or redis://[user:password@]host[:port][/name] for an index shared in a Redis-protocol store (docs/redis.md).",
        Required = true,
        HelpName = "PATH",
    };

    private static Option<InputEncoding> EncodingOption() => new("--encoding")
    {
        // No DefaultValueFactory: the help would print the enum's name, "[default: Auto]", where the values are written
        // in lower case; unset, the option is InputEncoding.Auto (the enum's zero) and the description says so.
        Description = "How to read input bytes: auto (the default: a byte-order mark decides, else UTF-8; a .txt file that is not UTF-8 is read as Windows-1252 with a warning), utf-8 (strict), windows-1252 (latin1 and iso-8859-1 are read as windows-1252, as browsers read them). [default: auto]",
        HelpName = string.Join('|', TextDecoding.Names),
        CustomParser = result =>
        {
            string value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "auto";
            if (TextDecoding.Parse(value) is { } parsed)
            {
                return parsed;
            }

            result.AddError($"--encoding must be one of {string.Join(", ", TextDecoding.Names)}, got {value}");
            return InputEncoding.Auto;
        },
    };

    private static Option<bool> JsonOption(string description) => new("--json") { Description = description };

    private static Option<bool> SkipBadOption() => new("--skip-bad")
    {
        Description = "Skip bad input lines (malformed JSON, missing or duplicate id, empty text, invalid UTF-8) instead of stopping; report how many and why.",
    };
}
