using System.ComponentModel.DataAnnotations;

namespace ReplicateMcp.Replicate;

/// <summary>How to reach Replicate.</summary>
internal sealed class ReplicateOptions
{
    public const string TokenVariable = "REPLICATE_API_TOKEN";

    /// <summary>What every Replicate-bound call answers when no token is set (and the simulator is off).</summary>
    public const string MissingToken = $"{TokenVariable} is not set: give the server a Replicate API token (https://replicate.com/account/api-tokens) in its environment, or start it with --simulate to try it offline.";

    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.replicate.com/v1/");

    public string? ApiToken { get; set; }

    public bool Simulate { get; set; }

    /// <summary>Upper bound for <c>Prefer: wait</c>; Replicate allows 60.</summary>
    [Range(1, 60)]
    public int MaxPreferWaitSeconds { get; set; } = 60;

    /// <summary>Creates allowed per minute across the process (Replicate's limit is 600).</summary>
    [Range(1, 6000)]
    public int CreatesPerMinute { get; set; } = 600;

    public bool HasToken => Simulate || !string.IsNullOrWhiteSpace(ApiToken);

    /// <summary>The base URL with a trailing slash, so relative paths keep <c>/v1</c>.</summary>
    public Uri NormalizedBaseUrl => BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl : new Uri(BaseUrl.AbsoluteUri + "/");
}
