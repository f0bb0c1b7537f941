using System.Globalization;

namespace CrmAI.Hub.Benchmarks;

/// <summary>
/// Prints the measurements as a Markdown table and the ratio of the largest backlog to the empty one per design.
/// </summary>
internal static class Report
{
    public static void Write(TextWriter output, IReadOnlyList<Measurement> results, int[] backlogs, int bodyChars, int samples)
    {
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(invariant, $"Enqueue of one pending exchange with a {bodyChars / 1024} KiB body, {samples} samples each"));
        output.WriteLine();
        output.WriteLine("| Design | Pending before | Median ms | p90 ms | Median WAL KiB | Bytes sent KiB |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            output.WriteLine(string.Create(invariant,
                $"| {result.Design} | {result.Backlog:N0} | {result.MedianMs:F2} | {result.P90Ms:F2} | " +
                $"{result.MedianWalBytes / 1024:N1} | {result.PayloadBytes / 1024.0:N1} |"));
        }

        output.WriteLine();
        var smallest = backlogs.Min();
        var largest = backlogs.Max();
        foreach (var design in results.Select(r => r.Design).Distinct())
        {
            var first = results.Single(r => r.Design == design && r.Backlog == smallest);
            var last = results.Single(r => r.Design == design && r.Backlog == largest);
            output.WriteLine(string.Create(invariant,
                $"{design}: enqueue #{largest + 1:N0} / enqueue #{smallest + 1:N0} = " +
                $"{last.MedianMs / first.MedianMs:N1}x time, {last.MedianWalBytes / first.MedianWalBytes:N1}x WAL"));
        }
    }
}
