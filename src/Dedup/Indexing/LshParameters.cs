namespace Dedup.Indexing;

/// <summary>
/// The banding of a MinHash LSH index: a signature's first <see cref="Bands"/> × <see cref="Rows"/>
/// positions are cut into <see cref="Bands"/> bands of <see cref="Rows"/> consecutive values, and two
/// documents become candidates when all values of at least one band are equal.
/// </summary>
/// <remarks>
/// Two signatures whose estimated Jaccard similarity is <c>s</c> collide in at least one band with
/// probability <c>P(s) = 1 − (1 − s^r)^b</c> (<see cref="CollisionProbability"/>). Use
/// <see cref="FromThreshold"/> to choose <c>b</c> and <c>r</c> for a similarity threshold the way
/// datasketch's <c>MinHashLSH</c> does.
/// </remarks>
public sealed record LshParameters
{
    /// <summary>Creates a banding of <paramref name="bands"/> bands of <paramref name="rows"/> rows each.</summary>
    /// <param name="bands">The number of bands, <c>b</c>; at least 1.</param>
    /// <param name="rows">The number of signature positions per band, <c>r</c>; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is less than 1, or their product overflows.</exception>
    public LshParameters(int bands, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if ((long)bands * rows > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"bands × rows ({bands} × {rows}) must fit in an Int32.");
        }

        Bands = bands;
        Rows = rows;
    }

    /// <summary>The number of bands, <c>b</c>.</summary>
    public int Bands { get; }

    /// <summary>The number of signature positions per band, <c>r</c>.</summary>
    public int Rows { get; }

    /// <summary>The number of signature positions the banding reads: <c>b × r</c>, at most the signature length.</summary>
    public int UsedPermutations => Bands * Rows;

    /// <summary>
    /// The probability <c>1 − (1 − s^r)^b</c> that two signatures with Jaccard similarity
    /// <paramref name="similarity"/> share at least one band.
    /// </summary>
    /// <param name="similarity">A Jaccard similarity in [0, 1].</param>
    /// <returns>The collision probability in [0, 1].</returns>
    public double CollisionProbability(double similarity) => Collision(similarity, Bands, Rows);

    /// <summary>
    /// Picks the banding for a Jaccard <paramref name="threshold"/> that minimizes the weighted sum of the
    /// false-positive area <c>∫₀ᵗ P(s) ds</c> and the false-negative area <c>∫ₜ¹ (1 − P(s)) ds</c> over all
    /// <c>b, r ≥ 1</c> with <c>b × r ≤ numPermutations</c>, exactly as datasketch's <c>_optimal_param</c>.
    /// </summary>
    /// <param name="threshold">The Jaccard similarity threshold, strictly between 0 and 1.</param>
    /// <param name="numPermutations">The signature length <c>K</c>; at least 1.</param>
    /// <param name="falsePositiveWeight">The weight of the false-positive area; finite and non-negative (not both weights 0).</param>
    /// <param name="falseNegativeWeight">The weight of the false-negative area; finite and non-negative (not both weights 0).</param>
    /// <returns>The optimal banding; for threshold 0.9 and K = 128, 5 bands of 25 rows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its documented range.</exception>
    /// <exception cref="ArgumentException">Both weights are 0 (no banding would be better than another).</exception>
    /// <remarks>
    /// The grid is searched in datasketch's order (b ascending, then r ascending) and the first strict
    /// minimum wins, so ties resolve the same way. The integrals are computed by adaptive Simpson
    /// quadrature to an absolute tolerance of 1e-12, well inside the accuracy of SciPy's <c>quad</c> that
    /// datasketch uses.
    /// </remarks>
    public static LshParameters FromThreshold(
        double threshold,
        int numPermutations,
        double falsePositiveWeight = 0.5,
        double falseNegativeWeight = 0.5)
    {
        if (!(threshold > 0.0 && threshold < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be strictly between 0 and 1.");
        }

        if (numPermutations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numPermutations), numPermutations, "The number of permutations (signature length K) must be at least 1.");
        }

        if (!double.IsFinite(falsePositiveWeight) || falsePositiveWeight < 0.0)
        {
            throw new ArgumentOutOfRangeException(nameof(falsePositiveWeight), falsePositiveWeight, "The false-positive weight must be finite and non-negative.");
        }

        if (!double.IsFinite(falseNegativeWeight) || falseNegativeWeight < 0.0)
        {
            throw new ArgumentOutOfRangeException(nameof(falseNegativeWeight), falseNegativeWeight, "The false-negative weight must be finite and non-negative.");
        }

        if (falsePositiveWeight == 0.0 && falseNegativeWeight == 0.0)
        {
            // Every banding would weigh nothing: the first tried (one band of one row, 1 of K positions) would win.
            throw new ArgumentException("The false-positive and false-negative weights are both 0: at least one must be positive for a banding to be chosen.", nameof(falsePositiveWeight));
        }

        double minError = double.PositiveInfinity;
        int bestBands = 1;
        int bestRows = 1;
        for (int b = 1; b <= numPermutations; b++)
        {
            int maxRows = numPermutations / b;
            for (int r = 1; r <= maxRows; r++)
            {
                double fp = FalsePositiveArea(threshold, b, r);
                double fn = FalseNegativeArea(threshold, b, r);
                double error = (fp * falsePositiveWeight) + (fn * falseNegativeWeight);
                if (error < minError)
                {
                    minError = error;
                    bestBands = b;
                    bestRows = r;
                }
            }
        }

        return new LshParameters(bestBands, bestRows);
    }

    /// <summary><c>∫₀ᵗ P(s) ds</c>: the weight of pairs below the threshold that still collide.</summary>
    internal static double FalsePositiveArea(double threshold, int bands, int rows)
        => Quadrature.Integrate(s => Collision(s, bands, rows), 0.0, threshold);

    /// <summary><c>∫ₜ¹ (1 − P(s)) ds</c>: the weight of pairs above the threshold that never collide.</summary>
    internal static double FalseNegativeArea(double threshold, int bands, int rows)
        => Quadrature.Integrate(s => 1.0 - Collision(s, bands, rows), threshold, 1.0);

    private static double Collision(double s, int bands, int rows) => 1.0 - Math.Pow(1.0 - Math.Pow(s, rows), bands);

    /// <summary>Adaptive Simpson quadrature.</summary>
    private static class Quadrature
    {
        private const double Tolerance = 1e-12;
        private const int MaxDepth = 40;

        // Always split this many times first, so a steep region between the first five samples is not missed.
        private const int MinDepth = 4;

        public static double Integrate(Func<double, double> f, double a, double b)
        {
            double fa = f(a);
            double fb = f(b);
            double m = 0.5 * (a + b);
            double fm = f(m);
            double whole = (b - a) / 6.0 * (fa + (4.0 * fm) + fb);
            return Recurse(f, a, b, fa, fm, fb, whole, Tolerance, MaxDepth);
        }

        private static double Recurse(Func<double, double> f, double a, double b, double fa, double fm, double fb, double whole, double tolerance, int depth)
        {
            double m = 0.5 * (a + b);
            double lm = 0.5 * (a + m);
            double rm = 0.5 * (m + b);
            double flm = f(lm);
            double frm = f(rm);
            double left = (m - a) / 6.0 * (fa + (4.0 * flm) + fm);
            double right = (b - m) / 6.0 * (fm + (4.0 * frm) + fb);
            double delta = left + right - whole;
            if (depth <= 0 || (depth <= MaxDepth - MinDepth && Math.Abs(delta) <= 15.0 * tolerance))
            {
                return left + right + (delta / 15.0);
            }

            return Recurse(f, a, m, fa, flm, fm, left, tolerance * 0.5, depth - 1)
                + Recurse(f, m, b, fm, frm, fb, right, tolerance * 0.5, depth - 1);
        }
    }
}
