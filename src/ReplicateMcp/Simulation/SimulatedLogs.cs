using System.Globalization;
using System.Text;

namespace ReplicateMcp.Simulation;

/// <summary>Log text that grows as a simulated prediction runs, shaped like real cog logs.</summary>
internal static class SimulatedLogs
{
    private const int Steps = 20;

    /// <summary>The logs of <paramref name="prediction"/> at <paramref name="progress"/> (0–1) in <paramref name="status"/>.</summary>
    public static string At(SimulatedPrediction prediction, SimulatedPredictionStatus status, double progress)
    {
        if (status == SimulatedPredictionStatus.Starting
            || (status == SimulatedPredictionStatus.Canceled && prediction.CanceledAt < prediction.StartsAt))
        {
            return "";
        }

        var logs = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        switch (prediction.Family)
        {
            case ModelFamily.Image:
                logs.Append(inv, $"Using seed: {prediction.Seed % 100_000}\n");
                logs.Append(inv, $"Prompt: {Shorten(prediction.Prompt)}\n");
                var done = (int)Math.Floor(progress * Steps);
                for (var step = 0; step <= done; step++)
                {
                    var pct = step * 100 / Steps;
                    logs.Append(inv, $"{pct,3}%|{new string('#', pct / 10),-10}| {step}/{Steps}\n");
                }

                break;
            case ModelFamily.Video:
                logs.Append("Generating video...\n");
                if (progress >= 0.5)
                {
                    logs.Append("Still generating...\n");
                }

                break;
            default:
                logs.Append(inv, $"Input token count: {prediction.InputTokenCount}\n");
                break;
        }

        if (status == SimulatedPredictionStatus.Failed)
        {
            logs.Append("Traceback (most recent call last):\n")
                .Append("  File \"/src/predict.py\", line 87, in predict\n")
                .Append("    raise RuntimeError(error)\n")
                .Append("RuntimeError: ").Append(Error(prediction.Model)).Append('\n');
        }
        else if (status == SimulatedPredictionStatus.Succeeded && prediction.Family == ModelFamily.Video)
        {
            logs.Append(inv, $"Generated video in {(prediction.EndsAt - prediction.StartsAt).TotalSeconds:0.0}sec\n");
        }

        return logs.ToString();
    }

    /// <summary>The error of a model that fails by design.</summary>
    public static string Error(string model) => !ModelFamilies.Fails(model) && SimulatedFlakiness.IsFlaky(model)
        ? $"Simulated passing failure: {model} fails the first attempt of each input (its name contains \"flaky\"); a retry succeeds."
        : $"Simulated failure: {model} fails by design (its name contains \"fail\").";

    private static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 200 ? text.ReplaceLineEndings(" ") : text[..200].ReplaceLineEndings(" ") + "...";
}
