using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReplicateMcp.Replicate;
using ReplicateMcp.Schemas;

namespace ReplicateMcp.Predictions;

/// <summary>
/// Model and version lookups, cached for ten minutes and shared by validation, community-model
/// routing and the schema tool, so one start never fetches the same model twice.
/// </summary>
internal sealed class ModelCatalog(IReplicateClient client, TimeProvider time)
{
    internal static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, (Lazy<Task<ModelInfo>> Task, DateTimeOffset Expires)> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (Lazy<Task<ModelVersionInfo>> Task, DateTimeOffset Expires)> _versions = new(StringComparer.OrdinalIgnoreCase);

    public Task<ModelInfo> GetModelAsync(ModelRef model, CancellationToken cancellationToken) =>
        Cached(_models, model.FullName, () => client.GetModelAsync(model.Owner, model.Name, CancellationToken.None), cancellationToken);

    public Task<ModelVersionInfo> GetVersionAsync(ModelRef model, CancellationToken cancellationToken) =>
        Cached(_versions, model.ToString(), () => client.GetModelVersionAsync(model.Owner, model.Name, model.Version!, CancellationToken.None), cancellationToken);

    /// <summary>
    /// The model as it must be created: official models keep <c>owner/name</c>; a community model given
    /// without a version gets its latest version, because only official models have a by-name create route.
    /// </summary>
    public async Task<ModelRef> ResolveForCreateAsync(ModelRef model, CancellationToken cancellationToken)
    {
        if (model.Version is not null) return model;
        var info = await GetModelAsync(model, cancellationToken);
        if (info.IsOfficial) return model;
        return info.LatestVersion is { Id.Length: > 0 } latest
            ? model with { Version = latest.Id }
            : throw new ReplicateApiException(HttpStatusCode.NotFound, $"model {model}: it has no published version to run; pass owner/name:<version>.");
    }

    /// <summary>The version's OpenAPI document (latest version when none is pinned), or null if the model publishes none.</summary>
    public async Task<JsonElement?> GetOpenApiSchemaAsync(ModelRef model, CancellationToken cancellationToken)
    {
        var schema = model.Version is null
            ? (await GetModelAsync(model, cancellationToken)).LatestVersion?.OpenapiSchema
            : (await GetVersionAsync(model, cancellationToken)).OpenapiSchema;
        return schema is { ValueKind: JsonValueKind.Object } ? schema : null;
    }

    /// <summary>The inlined Input schema, or null when the model publishes none.</summary>
    public async Task<JsonObject?> GetInputSchemaAsync(ModelRef model, CancellationToken cancellationToken) =>
        await GetOpenApiSchemaAsync(model, cancellationToken) is { } doc ? SchemaInliner.Inline(doc, "Input") : null;

    private async Task<T> Cached<T>(ConcurrentDictionary<string, (Lazy<Task<T>> Task, DateTimeOffset Expires)> cache, string key, Func<Task<T>> fetch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Lazy: AddOrUpdate may run its factories more than once under contention; only the stored one fetches.
        var entry = cache.AddOrUpdate(key,
            _ => (new Lazy<Task<T>>(fetch), now + CacheDuration),
            (_, old) => old.Expires > now && !(old.Task.IsValueCreated && (old.Task.Value.IsFaulted || old.Task.Value.IsCanceled)) ? old : (new Lazy<Task<T>>(fetch), now + CacheDuration));
        try
        {
            return await entry.Task.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (entry.Task.Value.IsFaulted)
        {
            // A failed lookup is not remembered: the next call asks again.
            cache.TryRemove(new KeyValuePair<string, (Lazy<Task<T>>, DateTimeOffset)>(key, entry));
            throw;
        }
    }
}
