using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReplicateMcp.Downloads;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Predictions;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities.Exec;

namespace ReplicateMcp.Tests.Hosting;

/// <summary>
/// The core registration checks each options class's data annotations through its source-generated validator (no
/// reflection, so it holds under Native AOT): a value out of range is refused when the options are read.
/// </summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Replicate:CreatesPerMinute", "0", nameof(ReplicateOptions.CreatesPerMinute))]
    [InlineData("Replicate:MaxPreferWaitSeconds", "61", nameof(ReplicateOptions.MaxPreferWaitSeconds))]
    [InlineData("Predictions:MaxConcurrency", "501", nameof(PredictionRunnerOptions.MaxConcurrency))]
    [InlineData("Jobs:MaxFinishedJobs", "0", nameof(JobStoreOptions.MaxFinishedJobs))]
    [InlineData("Downloads:MaxParallelDownloads", "65", nameof(DownloadOptions.MaxParallelDownloads))]
    public async Task OutOfRangeSetting_IsRefusedNamingTheMember(string key, string value, string member)
    {
        await using var core = new ExecCoreHarness(extraSettings: new Dictionary<string, string?> { [key] = value });

        var problem = Assert.Throws<OptionsValidationException>(() => ReadOptions(core.Services, key));

        Assert.Contains(member, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultSettings_PassEveryValidator()
    {
        await using var core = new ExecCoreHarness();

        foreach (var key in new[] { "Replicate:", "Predictions:", "Jobs:", "Downloads:" }) ReadOptions(core.Services, key);
    }

    private static object ReadOptions(IServiceProvider services, string key) => key.Split(':')[0] switch
    {
        "Replicate" => services.GetRequiredService<IOptions<ReplicateOptions>>().Value,
        "Predictions" => services.GetRequiredService<IOptions<PredictionRunnerOptions>>().Value,
        "Jobs" => services.GetRequiredService<IOptions<JobStoreOptions>>().Value,
        _ => services.GetRequiredService<IOptions<DownloadOptions>>().Value,
    };
}
