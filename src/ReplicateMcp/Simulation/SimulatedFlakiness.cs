using System.Collections.Concurrent;
using System.Text.Json;

namespace ReplicateMcp.Simulation;

/// <summary>
/// Models named with "flaky" fail the first attempt of each distinct input and succeed after, so <c>--simulate</c>
/// shows a retry (CONTRACT §10). With <paramref name="memoryDirectory"/> the first attempts are remembered there for an
/// hour, so <c>run --retry</c> in a new process (or a server after a restart) sees the retry succeed too.
/// </summary>
internal sealed class SimulatedFlakiness(string? memoryDirectory, TimeProvider time)
{
    /// <summary>How long a first attempt is remembered, like Replicate keeps a finished prediction.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _firstAttempts = new(StringComparer.Ordinal);

    public static bool IsFlaky(string model) => model.Contains("flaky", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when this create is the first of <paramref name="model"/> with <paramref name="input"/> (within <see cref="Memory"/>).</summary>
    public bool FailsThisAttempt(string model, JsonElement input)
    {
        if (!IsFlaky(model)) return false;
        var now = time.GetUtcNow();
        var key = StableHash.Hex64(model + "\n" + input.GetRawText())[..32];
        if (!_firstAttempts.TryAdd(key, now))
        {
            if (now - _firstAttempts[key] < Memory) return false;
            _firstAttempts[key] = now;
        }
        return FirstAcrossProcesses(key, now);
    }

    private bool FirstAcrossProcesses(string key, DateTimeOffset now)
    {
        if (memoryDirectory is null) return true;
        var path = Path.Combine(memoryDirectory, key);
        try
        {
            if (File.Exists(path) && now - new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) < Memory) return false;
            Directory.CreateDirectory(memoryDirectory);
            File.WriteAllBytes(path, []);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a demonstration: without the folder, this process's memory decides.
        }
        return true;
    }
}
