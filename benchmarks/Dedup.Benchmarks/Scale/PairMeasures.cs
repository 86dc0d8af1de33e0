using System.Globalization;
using System.Text.Json;
using Dedup.Detection;

namespace Dedup.Benchmarks.Scale;

/// <summary>
/// <c>measures CORPUS_DIR</c>: for every labelled pair of a corpus (its labels.jsonl), the verifier's measure with the
/// corpus's boilerplate model, as JSON lines on standard output, to study which signals separate copies from other
/// pairs.
/// </summary>
internal static class PairMeasures
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: measures CORPUS_DIR [LABELS.jsonl]");
            return 2;
        }

        List<Article> articles = JsonlArticles.Read(Path.Combine(args[1], "documents.jsonl"));
        DetectorOptions options = DetectorOptions.Default;
        var features = articles.Select(a => FeatureExtractor.Extract(a, options)).ToList();
        var byId = new Dictionary<string, int>();
        for (int i = 0; i < features.Count; i++)
        {
            byId[features[i].Id] = i;
        }

        var model = BoilerplateModel.Build(features, options.BoilerplateDocumentFrequency);
        foreach (string line in File.ReadLines(args.Length > 2 ? args[2] : Path.Combine(args[1], "labels.jsonl")))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement r = doc.RootElement;
            string a = r.GetProperty("a").GetString()!, b = r.GetProperty("b").GetString()!;
            if (!byId.TryGetValue(a, out int x) || !byId.TryGetValue(b, out int y))
            {
                continue;
            }

            ArticleFeatures fa = features[x], fb = features[y];
            PairMeasure m = Verifier.Measure(fa, fb, model.Words(fa), model.Words(fb), model.Skeleton(fa), model.Skeleton(fb), model.Lead(fa), model.Lead(fb));
            var verdict = Verifier.Classify(fa.ExactHash == fb.ExactHash, m, options.Threshold);
            ParaphraseMeasure p = m.Paraphrase;
            ParaphraseMeasure other = Paraphrase.Measure(fa.ParaphraseTerms, fb.ParaphraseTerms, fa.ParaphraseCounts, fb.ParaphraseCounts, largerSide: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"label\":\"{r.GetProperty("label").GetString()}\",\"transform\":\"{(r.TryGetProperty("transform", out JsonElement t) ? t.GetString() : "")}\",\"a\":\"{a}\",\"b\":\"{b}\",\"verbatim\":{m.Verbatim:F3},\"skeleton\":{m.SkeletonShare:F3},\"size\":{m.SizeRatio:F3},\"content\":{p.Content:F3},\"facts\":{p.FactShare:F3},\"otherfacts\":{p.OtherFactShare:F3},\"termratio\":{p.TermRatio:F3},\"aligned\":{p.Aligned:F3},\"template\":{(p.Template ? "true" : "false")},\"samefacts\":{(p.SameFacts ? "true" : "false")},\"para\":{m.ParaphraseScore:F3},\"terms\":{p.Terms},\"sharedterms\":{p.SharedTerms},\"factcount\":{p.Facts},\"sharedfacts\":{p.SharedFacts},\"otherterms\":{p.OtherTerms},\"otherfactcount\":{p.OtherFacts},\"missing\":{p.MissingNumbers},\"alignednumbers\":{p.AlignedNumbers},\"othermissing\":{other.MissingNumbers},\"otheraligned\":{other.AlignedNumbers},\"bothways\":{(p.FactsBothWays ? "true" : "false")},\"kind\":\"{verdict?.Kind.ToString() ?? "none"}\",\"score\":{verdict?.Score ?? 0:F3}}}"));
        }

        return 0;
    }
}
