namespace CrmAI.Hub.Endpoints;

/// <summary>
/// Fixed latency bins, so percentiles come from counts rather than stored samples and memory stays flat.
/// </summary>
public static class LatencyHistogram
{
    /// <summary>Upper bounds of the bins in milliseconds; the last bin takes everything slower.</summary>
    private static readonly double[] UpperBounds =
        [5, 10, 25, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 30_000, 60_000];

    public static int BinCount => UpperBounds.Length + 1;

    public static int BinOf(double milliseconds)
    {
        var index = Array.BinarySearch(UpperBounds, milliseconds);
        return index >= 0 ? index : ~index;
    }

    /// <summary>Estimates a percentile (0 to 1) by linear interpolation within its bin; null without samples.</summary>
    public static double? Percentile(IReadOnlyList<int> counts, double quantile)
    {
        long total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        long seen = 0;
        for (var bin = 0; bin < counts.Count; bin++)
        {
            if (counts[bin] == 0 || seen + counts[bin] < rank)
            {
                seen += counts[bin];
                continue;
            }

            var lower = bin == 0 ? 0 : UpperBounds[bin - 1];
            if (bin >= UpperBounds.Length)
            {
                return lower;
            }

            var fraction = (rank - seen) / counts[bin];
            return Math.Round(lower + (UpperBounds[bin] - lower) * fraction, 1);
        }

        return UpperBounds[^1];
    }
}
