using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;
using ReplicateMcp.Tests.TestUtilities.Exec;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReplicateMcp.Tests.Replicate;

/// <summary><c>GET /predictions</c> and Replicate's clock, through the production registration, against WireMock.</summary>
public sealed class ReplicateClientListTests : IAsyncDisposable
{
    private static readonly DateTimeOffset After = new(2023, 11, 16, 11, 46, 0, TimeSpan.Zero);

    private readonly StatefulReplicateFake _fake = new();
    private readonly List<ExecCoreHarness> _cores = [];

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var core in _cores) await core.DisposeAsync();
        _fake.Dispose();
    }

    private IServiceProvider CreateServices()
    {
        var core = new ExecCoreHarness(time: TimeProvider.System, apiBaseUrl: _fake.ApiBaseUrl);
        _cores.Add(core);
        return core.Services;
    }

    private IReplicateClient CreateSut() => CreateServices().GetRequiredService<IReplicateClient>();

    private static JsonObject Page(string? next, params JsonObject[] results) => new()
    {
        ["next"] = next,
        ["previous"] = null,
        ["results"] = new JsonArray([.. results]),
    };

    [Fact]
    public async Task ListPredictionsAsync_Filters_SendsCreatedAfterAndBeforeAndParsesItems()
    {
        _fake.Json(Request.Create().WithPath("/v1/predictions").UsingGet(), 200,
            Page(null, ApiSamples.Prediction("03", "newer"), ApiSamples.Prediction("02", "older")));

        var page = await CreateSut().ListPredictionsAsync(After, After.AddMinutes(5), null, CT);

        var request = Assert.Single(_fake.Server.LogEntries).RequestMessage;
        Assert.Equal("2023-11-16T11:46:00.000000Z", request.Query!["created_after"].Single());
        Assert.Equal("2023-11-16T11:51:00.000000Z", request.Query["created_before"].Single());
        Assert.Null(page.Next);
        Assert.Equal(["newer", "older"], page.Results.Select(p => p.Id));
        var newer = page.Results[0];
        Assert.Equal(("stability-ai/sdxl", "succeeded"), (newer.Model, newer.Status));
        Assert.Equal("a studio photo of a rainbow colored corgi", newer.Input!.Value.GetProperty("prompt").GetString());
        Assert.Equal(new DateTimeOffset(2023, 11, 16, 11, 46, 16, 64, TimeSpan.Zero).AddTicks(9000), newer.CreatedAt);
        Assert.NotNull(newer.CompletedAt);
        Assert.Contains("out-0.png", newer.Output!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListPredictionsAsync_NextCursor_FetchesThatPage()
    {
        var next = _fake.Url + "/v1/predictions?created_after=2023-11-16T11%3A46%3A00Z&cursor=abc";
        _fake.Json(Request.Create().WithPath("/v1/predictions").WithParam("cursor", "abc").UsingGet(), 200, Page(null, ApiSamples.Prediction("02", "second")));

        var page = await CreateSut().ListPredictionsAsync(After, null, next, CT);

        Assert.Equal("second", Assert.Single(page.Results).Id);
        Assert.Equal("abc", Assert.Single(_fake.Server.LogEntries).RequestMessage.Query!["cursor"].Single());
    }

    [Theory]
    [InlineData("https://evil.example/v1/predictions?cursor=abc")]
    [InlineData("not a url")]
    public async Task ListPredictionsAsync_CursorOffTheApi_IsRefusedWithoutARequest(string cursor)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => CreateSut().ListPredictionsAsync(After, null, cursor, CT));

        Assert.Contains(cursor, ex.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Server.LogEntries);
    }

    [Fact]
    public async Task ListPredictionsAsync_503Then200_IsRetriedLikeOtherReads()
    {
        _fake.Server.Given(Request.Create().WithPath("/v1/predictions").UsingGet()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(StatefulReplicateFake.JsonResponse(503, new JsonObject { ["detail"] = "unavailable", ["status"] = 503 }));
        _fake.Server.Given(Request.Create().WithPath("/v1/predictions").UsingGet()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(StatefulReplicateFake.JsonResponse(200, Page(null, ApiSamples.Prediction("02", "p1"))));

        var page = await CreateSut().ListPredictionsAsync(After, null, null, CT);

        Assert.Equal("p1", Assert.Single(page.Results).Id);
        Assert.Equal(2, _fake.Requests("GET", "/v1/predictions").Count);
    }

    [Fact]
    public async Task AnyAnswer_DateHeader_SetsReplicateClock()
    {
        // Kestrel under WireMock stamps its own Date header (a skewed one cannot be faked here; ReplicateClockTests
        // covers skew): what matters is that the production pipeline feeds every answer's Date to the clock.
        _fake.Json(Request.Create().WithPath("/v1/predictions").UsingGet(), 200, Page(null));
        var services = CreateServices();
        var clock = services.GetRequiredService<ReplicateClock>();
        Assert.False(clock.IsKnown);

        await services.GetRequiredService<IReplicateClient>().ListPredictionsAsync(After, null, null, CT);

        Assert.True(clock.IsKnown);
        // Date has whole seconds: Replicate's time read from it is at most a second (plus the answer's trip) early.
        Assert.InRange(clock.Offset, TimeSpan.FromSeconds(-3), TimeSpan.Zero);
    }
}
