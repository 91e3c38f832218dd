using System.Net.Http.Json;
using System.Text.Json;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.EndToEnd;

/// <summary>The out-of-process fake answers <c>GET /predictions</c> like Replicate: newest first, filters, next link.</summary>
public sealed class StatefulReplicateFakeListTests : IDisposable
{
    private readonly StatefulReplicateFake _fake = new(TimeSpan.FromMinutes(1)) { ListPageSize = 2 };
    private readonly HttpClient _http = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _http.Dispose();
        _fake.Dispose();
    }

    [Fact]
    public async Task List_CreatedAfter_PagesNewestFirstThroughNextLinks()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 3; i++)
            (await _http.PostAsync($"{_fake.ApiUrl}/models/acme/m/predictions", JsonContent.Create(new { input = new { prompt = $"p{i}" } }), CT)).EnsureSuccessStatusCode();

        var first = await _http.GetFromJsonAsync<JsonElement>($"{_fake.ApiUrl}/predictions?created_after={Uri.EscapeDataString(before.ToString("O"))}", CT);
        var second = await _http.GetFromJsonAsync<JsonElement>(first.GetProperty("next").GetString(), CT);
        var none = await _http.GetFromJsonAsync<JsonElement>($"{_fake.ApiUrl}/predictions?created_after={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}", CT);

        var prompts = first.GetProperty("results").EnumerateArray().Concat(second.GetProperty("results").EnumerateArray())
            .Select(p => p.GetProperty("input").GetProperty("prompt").GetString());
        Assert.Equal(["p2", "p1", "p0"], prompts);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(0, none.GetProperty("results").GetArrayLength());
        Assert.Equal("acme/m", first.GetProperty("results")[0].GetProperty("model").GetString());
        Assert.Equal(3, _fake.ListRequests);
    }
}
