using System.Net;
using System.Text;
using System.Text.Json;

namespace ReplicateMcp.Replicate;

/// <summary>Turns Replicate's error bodies into messages that say what happened and what to do.</summary>
internal static class ReplicateErrors
{
    public static ProblemDetails? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try { return JsonSerializer.Deserialize(body, ReplicateJsonContext.Default.ProblemDetails); }
        catch (JsonException) { return null; }
    }

    public static string Describe(HttpStatusCode status, string body, string what)
    {
        var problem = TryParse(body);
        var detail = problem?.Detail?.Trim() ?? problem?.Title;
        var code = (int)status;
        var text = status switch
        {
            HttpStatusCode.Unauthorized => $"Replicate rejected the API token (401); set {ReplicateOptions.TokenVariable} to a valid token.",
            HttpStatusCode.PaymentRequired => $"Insufficient credit on Replicate (402): {detail ?? "add credit at https://replicate.com/account/billing"}",
            HttpStatusCode.NotFound => $"{what}: not found on Replicate (404). {NotFoundHint(what)}",
            HttpStatusCode.UnprocessableEntity => DescribeValidation(problem, detail),
            HttpStatusCode.TooManyRequests => $"Replicate kept throttling requests (429): {detail ?? "rate limit"}",
            _ => $"Replicate answered {code} {status}{(detail is null ? "" : ": " + detail)}",
        };
        return Truncate(text, 2000);
    }

    /// <summary>Where the missing thing's id should have come from: model ids from a search, prediction ids from a job.</summary>
    private static string NotFoundHint(string what) => what.StartsWith("prediction ", StringComparison.Ordinal)
        ? "Prediction ids come from a batch item's prediction_id or a pipeline step's prediction_id."
        : "Check the id with replicate_search_models.";

    private static string DescribeValidation(ProblemDetails? problem, string? detail)
    {
        if (problem?.InvalidFields is not { Count: > 0 } fields)
            return $"Replicate refused the request (422 {problem?.Title ?? "Unprocessable Entity"}): {detail ?? "no detail given"}";
        var sb = new StringBuilder($"Replicate refused the input (422 {problem.Title ?? "Input validation failed"}): ");
        sb.AppendJoin("; ", fields.Select(f =>
            $"{(string.IsNullOrEmpty(f.Field) ? "(body)" : f.Field)}: {f.Description ?? f.Type}"));
        return sb.ToString();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
