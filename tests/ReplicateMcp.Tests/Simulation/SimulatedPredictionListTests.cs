using System.Text.Json;

namespace ReplicateMcp.Tests.Simulation;

/// <summary><c>GET /predictions</c> of the simulator: newest first, 100 a page, created_after/created_before, keyset cursor.</summary>
public sealed class SimulatedPredictionListTests : IDisposable
{
    private const string ImageModel = "black-forest-labs/flux-schnell";
    private readonly SimulatorHarness _sim = new(duration: TimeSpan.FromSeconds(10));

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _sim.Dispose();

    private static string Time(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task List_CreatedAfterAndBefore_ReturnsOnlyThatWindowNewestFirst()
    {
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await _sim.CreateAsync(ImageModel, $$"""{"prompt":"p{{i}}"}""")).GetProperty("id").GetString()!);
            _sim.Time.Advance(TimeSpan.FromSeconds(1));
        }
        var start = _sim.Time.GetUtcNow().AddSeconds(-4);

        var page = await _sim.GetAsync($"predictions?created_after={Time(start.AddSeconds(1))}&created_before={Time(start.AddSeconds(3))}");

        Assert.Equal([ids[2], ids[1]], page.GetProperty("results").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        var item = page.GetProperty("results")[0];
        Assert.Equal(ImageModel, item.GetProperty("model").GetString());
        Assert.Equal("p2", item.GetProperty("input").GetProperty("prompt").GetString());
        Assert.Equal("processing", item.GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_MoreThanAPage_NextLinkWalksEveryOneOnceEvenWithNewCreatesBetweenPages()
    {
        var created = new HashSet<string>();
        for (var i = 0; i < 150; i++)
        {
            created.Add((await _sim.CreateAsync(ImageModel, """{"prompt":"x"}""")).GetProperty("id").GetString()!);
            if (i % 7 == 0) _sim.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var first = await _sim.GetAsync($"predictions?created_after={Time(_sim.Time.GetUtcNow().AddMinutes(-1))}");
        await _sim.CreateAsync(ImageModel, """{"prompt":"newer"}""");
        var next = first.GetProperty("next").GetString()!;
        Assert.StartsWith("https://api.replicate.com/v1/predictions?created_after=", next, StringComparison.Ordinal);
        var second = await _sim.GetAsync(next);

        var seen = first.GetProperty("results").EnumerateArray().Concat(second.GetProperty("results").EnumerateArray())
            .Select(p => p.GetProperty("id").GetString()!).ToList();
        Assert.Equal(100, first.GetProperty("results").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(created.Order(), seen.Order());
    }

    [Fact]
    public async Task List_BadCreatedAfter_Returns400()
    {
        using var response = await _sim.Client.GetAsync("predictions?created_after=yesterday", CT);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }
}
