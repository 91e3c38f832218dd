using System.Text.Json.Nodes;

namespace ReplicateMcp.Simulation;

/// <summary>Renders a simulated prediction as Replicate's prediction body (see ApiSamples 02–07).</summary>
internal static class PredictionJson
{
    /// <summary>The body of <paramref name="prediction"/> as of <paramref name="now"/>.</summary>
    public static JsonObject Render(SimulatedPrediction prediction, DateTimeOffset now, SimulatorOptions options)
    {
        var status = prediction.StatusAt(now);
        var progress = prediction.ProgressAt(now);
        var terminal = status is SimulatedPredictionStatus.Succeeded or SimulatedPredictionStatus.Failed or SimulatedPredictionStatus.Canceled;
        var stoppedAt = terminal ? prediction.TerminalAt : now;
        var started = stoppedAt >= prediction.StartsAt && status != SimulatedPredictionStatus.Starting;
        var getUrl = new Uri(options.BaseUrl, "predictions/" + prediction.Id).AbsoluteUri;

        var body = new JsonObject
        {
            ["id"] = prediction.Id,
            ["model"] = prediction.Model,
            ["version"] = prediction.Version,
            ["input"] = JsonNode.Parse(prediction.InputJson),
            ["logs"] = SimulatedLogs.At(prediction, status, progress),
            ["output"] = Output(prediction, status, progress, options),
            ["data_removed"] = false,
            ["error"] = status == SimulatedPredictionStatus.Failed ? SimulatedLogs.Error(prediction.Model) : null,
            ["source"] = "api",
            ["status"] = status.ToString().ToLowerInvariant(),
            ["created_at"] = SimulatorJson.Timestamp(prediction.CreatedAt),
        };
        if (started)
        {
            body["started_at"] = SimulatorJson.Timestamp(prediction.StartsAt);
        }

        if (terminal)
        {
            body["completed_at"] = SimulatorJson.Timestamp(prediction.TerminalAt);
            body["metrics"] = Metrics(prediction, status, started);
        }

        body["urls"] = new JsonObject
        {
            ["cancel"] = getUrl + "/cancel",
            ["get"] = getUrl,
            ["web"] = "https://replicate.com/p/" + prediction.Id,
        };
        return body;
    }

    /// <summary>The URL of output file <paramref name="index"/>.</summary>
    public static string FileUrl(SimulatorOptions options, string predictionId, int index, string extension) =>
        $"https://{options.FileHost}/sim/{predictionId}/out-{index}{extension}";

    private static JsonNode? Output(SimulatedPrediction prediction, SimulatedPredictionStatus status, double progress, SimulatorOptions options)
    {
        if (prediction.Family == ModelFamily.Text && status is SimulatedPredictionStatus.Processing or SimulatedPredictionStatus.Succeeded)
        {
            // Language models stream: the output grows while the prediction is processing.
            var count = status == SimulatedPredictionStatus.Succeeded ? prediction.Tokens.Count : (int)(progress * prediction.Tokens.Count);
            return new JsonArray([.. prediction.Tokens.Take(count).Select(t => (JsonNode?)t)]);
        }

        if (status != SimulatedPredictionStatus.Succeeded)
        {
            return null;
        }

        return prediction.Family == ModelFamily.Video
            ? FileUrl(options, prediction.Id, 0, ".mp4")
            : new JsonArray([.. Enumerable.Range(0, prediction.OutputCount).Select(n => (JsonNode?)FileUrl(options, prediction.Id, n, SimulatedImages.Extension(prediction.InputJson)))]);
    }

    private static JsonObject Metrics(SimulatedPrediction prediction, SimulatedPredictionStatus status, bool started)
    {
        var predictTime = started ? (prediction.TerminalAt - prediction.StartsAt).TotalSeconds : 0;
        var metrics = new JsonObject
        {
            ["predict_time"] = predictTime,
            ["total_time"] = (prediction.TerminalAt - prediction.CreatedAt).TotalSeconds,
        };
        if (prediction.Family == ModelFamily.Text && status == SimulatedPredictionStatus.Succeeded)
        {
            metrics["input_token_count"] = prediction.InputTokenCount;
            metrics["output_token_count"] = prediction.Tokens.Count;
            metrics["time_to_first_token"] = Math.Round(predictTime * 0.1, 3);
            metrics["tokens_per_second"] = predictTime > 0 ? Math.Round(prediction.Tokens.Count / predictTime, 1) : 0;
        }

        return metrics;
    }
}
