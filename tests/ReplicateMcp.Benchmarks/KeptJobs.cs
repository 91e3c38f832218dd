using System.Text.Json;
using ReplicateMcp.Jobs;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Benchmarks;

/// <summary>
/// History for the start-up figure (issue 20): finished simulator batches written into a state folder as a server
/// would have left them — 50 items each with two output files, logs and metrics, about the size real ones reach.
/// </summary>
internal static class KeptJobs
{
    public static long Write(string stateDirectory, int jobs, int itemsPerJob)
    {
        var folder = Path.Combine(stateDirectory, "jobs");
        Directory.CreateDirectory(folder);
        var now = DateTimeOffset.UtcNow;
        var input = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["prompt"] = "a product shot of a ceramic mug on a wooden table, soft morning light", ["aspect_ratio"] = "1:1" });
        var metrics = JsonSerializer.SerializeToElement(new Dictionary<string, double> { ["predict_time"] = 1.234, ["total_time"] = 2.5 });
        long bytes = 0;
        for (var j = 0; j < jobs; j++)
        {
            var id = JobIds.New(JobKind.Batch);
            var job = new Job
            {
                Id = id,
                Kind = JobKind.Batch,
                Settings = new JobSettings(3, true, 300_000, 72, true),
                CreatedAt = now.AddMinutes(-j - 5),
                CompletedAt = now.AddMinutes(-j),
                OwnerId = "1-1",
                Backend = JobBackend.Simulator,
                Items = [.. Enumerable.Range(0, itemsPerJob).Select(i =>
                {
                    var predictionId = $"bench{j:000}x{i:000}pred0000000000";
                    string[] urls = [$"https://replicate.delivery/xezq/{predictionId}/out-0.webp", $"https://replicate.delivery/xezq/{predictionId}/out-1.webp"];
                    return new JobItem
                    {
                        Index = i,
                        Model = "black-forest-labs/flux-schnell",
                        Input = input,
                        SentInput = input,
                        Status = ItemStatus.Succeeded,
                        PredictionId = predictionId,
                        StartedAt = now.AddMinutes(-j - 4),
                        CompletedAt = now.AddMinutes(-j - 3),
                        Result = new PredictionResult
                        {
                            PredictionId = predictionId,
                            Status = "succeeded",
                            Urls = urls,
                            LocalPaths = [.. urls.Select((_, n) => $"/home/user/Downloads/replicate-mcp/{id}/{i}/output-{n}.webp")],
                            Output = JsonSerializer.SerializeToElement(urls),
                            Metrics = metrics,
                            LogsTail = "Using seed: 12345\nRunning inference\n100%|██████████| 4/4 [00:01<00:00,  3.10it/s]",
                        },
                    };
                })],
            };
            var file = Path.Combine(folder, id + ".json");
            File.WriteAllBytes(file, JsonSerializer.SerializeToUtf8Bytes(job, JobsJsonContext.Default.Job));
            bytes += new FileInfo(file).Length;
        }
        return bytes;
    }
}
