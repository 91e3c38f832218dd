using System.Text.Json;
using ReplicateMcp.Replicate;

namespace ReplicateMcp.Predictions;

/// <summary>
/// A create as it is recorded, durably, before it is sent (CONTRACT §6): enough to find the prediction again on
/// Replicate (§5) when its answer never comes back — a quit, a kill, a create still held open by <c>Prefer: wait</c>.
/// </summary>
/// <param name="Model">"owner/name", lower case: what the list's <c>model</c> says for every route.</param>
/// <param name="InputDigest">See <see cref="Predictions.InputDigest"/>.</param>
/// <param name="SentAt">A moment at or before the send, in Replicate's clock (<see cref="ReplicateClock.Now"/> just before sending).</param>
/// <param name="Item">Which item or step sent it (an index or step id): who the prediction belongs to.</param>
internal sealed record SentCreate(string Model, string InputDigest, DateTimeOffset SentAt, string Item)
{
    public static SentCreate For(ModelRef model, JsonElement input, DateTimeOffset sentAt, string item) =>
        new(ModelKey(model.FullName), Predictions.InputDigest.Of(input), sentAt, item);

    /// <summary>The (model, input digest) a listed prediction would have as a create; null when the list left either out.</summary>
    public static (string Model, string InputDigest)? KeyOf(Prediction prediction) =>
        prediction is { Model: { } model, Input: { } input } ? (ModelKey(model), Predictions.InputDigest.Of(input)) : null;

    public static string ModelKey(string model) => model.ToLowerInvariant();
}
