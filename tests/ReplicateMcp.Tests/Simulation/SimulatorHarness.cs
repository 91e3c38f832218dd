using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ReplicateMcp.Simulation;

namespace ReplicateMcp.Tests.Simulation;

/// <summary>A simulator on fake time with an HttpClient on top, the way the production client will use it.</summary>
internal sealed class SimulatorHarness : IDisposable
{
    public static readonly Uri BaseUrl = new("https://api.replicate.com/v1/");

    public SimulatorHarness(TimeSpan? duration = null, TimeSpan? starting = null)
    {
        Options = new SimulatorOptions { BaseUrl = BaseUrl, PredictionDuration = duration ?? TimeSpan.FromSeconds(10) };
        if (starting is { } s)
        {
            Options.StartingDuration = s;
        }

        Handler = new SimulatedReplicateHandler(Options, Time);
        Client = new HttpClient(Handler, disposeHandler: false) { BaseAddress = BaseUrl };
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public SimulatorOptions Options { get; }

    public SimulatedReplicateHandler Handler { get; }

    public HttpClient Client { get; }

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public static HttpRequestMessage CreateRequest(string model, string inputJson, string? prefer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"models/{model}/predictions")
        {
            Content = new StringContent($$"""{"input": {{inputJson}}}""", Encoding.UTF8, "application/json"),
        };
        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }

        return request;
    }

    public async Task<JsonElement> CreateAsync(string model, string inputJson, string? prefer = null)
    {
        using var response = await Client.SendAsync(CreateRequest(model, inputJson, prefer), CT);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await ReadAsync(response);
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path, CT);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response);
    }

    /// <summary>Creates a prediction, lets its whole duration pass and returns its final body.</summary>
    public async Task<JsonElement> RunAsync(string model, string inputJson)
    {
        var created = await CreateAsync(model, inputJson);
        Time.Advance(Options.PredictionDuration);
        return await GetAsync("predictions/" + created.GetProperty("id").GetString());
    }

    public async Task<byte[]> DownloadAsync(string url)
    {
        using var response = await Client.GetAsync(url, CT);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(CT);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CT));
        return document.RootElement.Clone();
    }

    public void Dispose()
    {
        Client.Dispose();
        Handler.Dispose();
    }
}
