using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReplicateMcp.Jobs;
using ReplicateMcp.Replicate;
using ReplicateMcp.Status;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using ReplicateMcp.Jobs.Execution;
using ReplicateMcp.Jobs.Storage;
using ReplicateMcp.Jobs.Service;

namespace ReplicateMcp.Tests.Reliability;

public sealed class SecretsTests : IDisposable
{
    private const string Token = "r8_SeCrEtToKeN_7f3a9c51";
    private readonly StatefulReplicateFake _fake = new();
    private readonly string _root = Directory.CreateTempSubdirectory("rmcp-secret-").FullName;

    [Fact]
    public async Task Batch_WithFailuresAndDownloads_NeverRevealsTheToken()
    {
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
        _fake.Server.Given(Request.Create().WithPath("/files/out-0.png").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(png));
        _fake.Server.Given(Request.Create().WithPath("/v1/models/acme/ok/predictions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"id": "okpred1", "status": "succeeded", "output": ["{{_fake.Server.Url}}/files/out-0.png"], "logs": "fine"}"""));
        _fake.Server.Given(Request.Create().WithPath("/v1/models/acme/invalid/predictions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(422).WithHeader("Content-Type", "application/problem+json")
                .WithBody("""{"detail": "- input: prompt is required\n", "status": 422, "title": "Input validation failed", "invalid_fields": [{"type": "required", "field": "input", "description": "prompt is required"}]}"""));
        _fake.Server.Given(Request.Create().WithPath("/v1/models/acme/denied/predictions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/problem+json")
                .WithBody("""{"title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401}"""));
        _fake.Server.Given(Request.Create().WithPath("/v1/models/acme/broken/predictions").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("oops"));
        _fake.Server.Given(Request.Create().WithPath("/v1/models/*").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"owner": "acme", "name": "x", "is_official": true}"""));

        var logs = new CapturingLoggerProvider();
        await using var core = new ExecCoreHarness(time: TimeProvider.System, apiBaseUrl: _fake.Server.Url + "/v1",
            configure: services => services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)),
            extraSettings: new Dictionary<string, string?> { ["Replicate:ApiToken"] = Token, ["Jobs:StateDirectory"] = Path.Combine(_root, "state") });
        var provider = core.Services;
        var ct = TestContext.Current.CancellationToken;

        var input = JsonDocument.Parse("""{"prompt": "p"}""").RootElement;
        var started = await provider.GetRequiredService<JobStarter>().StartAsync(new JobSpec(JobKind.Batch,
            [.. new[] { "acme/ok", "acme/invalid", "acme/denied", "acme/broken" }.Select(m => new ItemSpec(null, m, input))],
            new JobSettings(4, true, 60_000, 1, Validate: true)), ct);
        await provider.GetRequiredService<JobRegistry>().WhenStoppedAsync(started.Job.Id).WaitAsync(TimeSpan.FromSeconds(60), ct);
        await provider.GetRequiredService<IJobPersistence>().FlushAsync(ct);

        var job = provider.GetRequiredService<IJobStore>().Get(started.Job.Id)!;
        var status = JsonSerializer.Serialize(JobViews.Batch(job), StatusJson.Options);
        // Owner locks are empty and held exclusively while the server runs (they cannot be read, and hold nothing).
        var stateFiles = string.Join('\n', Directory.EnumerateFiles(Path.Combine(_root, "state"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Select(File.ReadAllText));
        var clientError = await Assert.ThrowsAsync<ReplicateApiException>(() =>
            provider.GetRequiredService<IReplicateClient>().CreatePredictionAsync(new ModelRef("acme", "denied", null), input, 1, ct));

        // Not vacuous: the token was sent to the API, the job ran, and there were logs and files to search.
        Assert.Contains(_fake.Server.LogEntries, e => e.RequestMessage.Headers!.TryGetValue("Authorization", out var v) && v.Contains($"Bearer {Token}"));
        Assert.Equal(JobStatus.Partial, job.Status);
        Assert.Contains("REPLICATE_API_TOKEN", status, StringComparison.Ordinal);
        Assert.True(logs.Count > 0);
        Assert.NotEmpty(stateFiles);

        foreach (var (what, text) in new[] { ("status", status), ("logs", logs.Text), ("state files", stateFiles), ("exception", clientError.ToString()) })
            Assert.False(text.Contains(Token, StringComparison.Ordinal), $"the token appears in the {what}");
        // The download client never carries the token, even to the API host.
        var download = Assert.Single(_fake.Server.LogEntries, e => e.RequestMessage.Path == "/files/out-0.png");
        Assert.False(download.RequestMessage.Headers!.ContainsKey("Authorization"));
    }

    public void Dispose()
    {
        _fake.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
