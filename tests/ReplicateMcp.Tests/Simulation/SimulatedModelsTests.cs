using System.Net;
using System.Text.Json;

namespace ReplicateMcp.Tests.Simulation;

public sealed class SimulatedModelsTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    private static CancellationToken CT => TestContext.Current.CancellationToken;

    public void Dispose() => _sim.Dispose();

    [Fact]
    public async Task GetModel_AnyName_ReturnsModelWithStableLatestVersion()
    {
        var first = await _sim.GetAsync("models/someone/my-upscaler");
        var second = await _sim.GetAsync("models/someone/my-upscaler");

        Assert.Equal("someone", first.GetProperty("owner").GetString());
        Assert.Equal("my-upscaler", first.GetProperty("name").GetString());
        Assert.Equal("https://replicate.com/someone/my-upscaler", first.GetProperty("url").GetString());
        Assert.Equal("public", first.GetProperty("visibility").GetString());
        Assert.False(first.GetProperty("is_official").GetBoolean());
        var version = first.GetProperty("latest_version").GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", version);
        Assert.Equal(version, second.GetProperty("latest_version").GetProperty("id").GetString());
        Assert.Equal("a studio photo of a rainbow colored corgi", first.GetProperty("default_example").GetProperty("input").GetProperty("prompt").GetString());
    }

    [Theory]
    [InlineData("black-forest-labs/flux-schnell", true)]
    [InlineData("meta/meta-llama-3-8b-instruct", true)]
    [InlineData("nightmareai/real-esrgan", false)]
    public async Task GetModel_Owner_DecidesIsOfficial(string model, bool official)
    {
        var body = await _sim.GetAsync("models/" + model);

        Assert.Equal(official, body.GetProperty("is_official").GetBoolean());
    }

    [Theory]
    [InlineData("models/acme/missing-model")]
    [InlineData("models/acme/missing-model/versions/0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("models/acme/real/versions/not-a-version")]
    public async Task GetModel_MissingOrBadVersion_Returns404(string path)
    {
        using var response = await _sim.Client.GetAsync(path, CT);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("The requested resource could not be found.", (await SimulatorHarness.ReadAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Create_MissingModel_Returns404()
    {
        using var response = await _sim.Client.SendAsync(SimulatorHarness.CreateRequest("acme/missing-thing", "{}"), CT);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, _sim.Handler.CreatedCount);
    }

    [Fact]
    public async Task GetVersion_ImageModel_SchemaHasInputWithAllOfRefToAnEnum()
    {
        var model = await _sim.GetAsync("models/black-forest-labs/flux-schnell");
        var versionId = model.GetProperty("latest_version").GetProperty("id").GetString();

        var version = await _sim.GetAsync($"models/black-forest-labs/flux-schnell/versions/{versionId}");

        Assert.Equal(versionId, version.GetProperty("id").GetString());
        var schemas = version.GetProperty("openapi_schema").GetProperty("components").GetProperty("schemas");
        var aspect = schemas.GetProperty("Input").GetProperty("properties").GetProperty("aspect_ratio");
        var reference = aspect.GetProperty("allOf")[0].GetProperty("$ref").GetString()!;
        Assert.Equal("#/components/schemas/aspect_ratio", reference);
        Assert.Equal("1:1", aspect.GetProperty("default").GetString());
        Assert.True(aspect.TryGetProperty("x-order", out _));
        Assert.Contains("16:9", schemas.GetProperty("aspect_ratio").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("array", schemas.GetProperty("Output").GetProperty("type").GetString());
        Assert.False(schemas.GetProperty("Input").TryGetProperty("required", out _));
    }

    [Fact]
    public async Task GetModel_TextModel_SchemaRequiresPromptAndBoundsMaxTokens()
    {
        var body = await _sim.GetAsync("models/meta/meta-llama-3-8b-instruct");

        var input = body.GetProperty("latest_version").GetProperty("openapi_schema").GetProperty("components").GetProperty("schemas").GetProperty("Input");
        Assert.Equal(["prompt"], input.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(8192, input.GetProperty("properties").GetProperty("max_tokens").GetProperty("maximum").GetInt32());
    }

    [Fact]
    public async Task Search_Query_FiltersByNameDescriptionAndTags()
    {
        var body = await _sim.GetAsync("search?query=upscale");

        Assert.Equal("upscale", body.GetProperty("query").GetString());
        var hit = Assert.Single(body.GetProperty("models").EnumerateArray());
        Assert.Equal("real-esrgan", hit.GetProperty("model").GetProperty("name").GetString());
        Assert.Contains("upscale", hit.GetProperty("metadata").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, body.GetProperty("collections").GetArrayLength());
        Assert.Equal(0, body.GetProperty("pages").GetArrayLength());
    }

    [Fact]
    public async Task Search_Limit_CapsTheResults()
    {
        var all = await _sim.GetAsync("search?query=text");
        var limited = await _sim.GetAsync("search?query=text&limit=2");

        Assert.True(all.GetProperty("models").GetArrayLength() > 2);
        Assert.Equal(2, limited.GetProperty("models").GetArrayLength());
    }

    [Fact]
    public async Task Search_MultiWordQuery_NeedsEveryWord()
    {
        var body = await _sim.GetAsync("search?query=llama+70b");

        Assert.Equal(["meta-llama-3-70b-instruct"], body.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("model").GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Search_NoQuery_Returns400()
    {
        using var response = await _sim.Client.GetAsync("search", CT);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JsonValueKind.String, (await SimulatorHarness.ReadAsync(response)).GetProperty("detail").ValueKind);
    }
}
