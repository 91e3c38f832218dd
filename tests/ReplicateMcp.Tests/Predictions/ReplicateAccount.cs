using System.Collections.Concurrent;
using System.Text.Json;
using ReplicateMcp.Replicate;
using ReplicateMcp.Tests.TestUtilities;

namespace ReplicateMcp.Tests.Predictions;

/// <summary>
/// The predictions of one Replicate account, stamped in Replicate's clock, served to a <see cref="ScriptedReplicateClient"/>:
/// the list answers newest first, <see cref="PageSize"/> a page, with <c>created_after</c> and a cursor; a GET answers by id.
/// </summary>
internal sealed class ReplicateAccount
{
    private readonly ConcurrentDictionary<string, Prediction> _predictions = new(StringComparer.Ordinal);
    private int _next;

    public ReplicateAccount(ScriptedReplicateClient client)
    {
        client.ListAnswer = List;
        client.GetAnswer = id => _predictions.TryGetValue(id, out var p) ? p
            : throw new ReplicateApiException(System.Net.HttpStatusCode.NotFound, $"prediction {id} not found");
    }

    public int PageSize { get; init; } = 100;

    /// <summary>Whether terminal list items carry <c>logs</c> (Replicate's list may leave them out).</summary>
    public bool ListShowsLogs { get; set; }

    public Prediction Create(string model, string inputJson, DateTimeOffset createdAt)
    {
        var prediction = new Prediction
        {
            Id = $"p{Interlocked.Increment(ref _next):D3}",
            Model = model,
            Input = JsonDocument.Parse(inputJson).RootElement.Clone(),
            Status = PredictionStatuses.Starting,
            CreatedAt = createdAt,
            Logs = "",
        };
        _predictions[prediction.Id] = prediction;
        return prediction;
    }

    public void Finish(string id, string status = PredictionStatuses.Succeeded) =>
        _predictions[id] = _predictions[id] with
        {
            Status = status,
            Output = status == PredictionStatuses.Succeeded ? JsonDocument.Parse("[\"https://replicate.delivery/x.png\"]").RootElement.Clone() : null,
            Logs = "step 1\nstep 2\n",
            Error = status == PredictionStatuses.Failed ? JsonDocument.Parse("\"CUDA out of memory\"").RootElement.Clone() : null,
        };

    private PredictionPage List(ListCall call)
    {
        var matching = _predictions.Values.Where(p => p.CreatedAt >= call.CreatedAfter).OrderByDescending(p => p.CreatedAt).ToList();
        // The cursor is the rank of the page's first item among those the filter admits.
        var skip = call.Cursor is { } cursor ? int.Parse(cursor[(cursor.IndexOf("cursor=", StringComparison.Ordinal) + "cursor=".Length)..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new PredictionPage
        {
            Results = [.. matching.Skip(skip).Take(PageSize).Select(p => ListShowsLogs || !p.IsTerminal ? p : p with { Logs = null })],
            Next = matching.Count > skip + PageSize ? $"https://api.replicate.com/v1/predictions?cursor={skip + PageSize}" : null,
        };
    }
}
