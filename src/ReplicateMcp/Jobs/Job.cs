using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReplicateMcp.Predictions;

namespace ReplicateMcp.Jobs;

[JsonConverter(typeof(JsonStringEnumConverter<JobKind>))]
internal enum JobKind
{
    [JsonStringEnumMemberName("batch")] Batch,
    [JsonStringEnumMemberName("pipeline")] Pipeline,
}

/// <summary>Options a job was started with.</summary>
internal sealed record JobSettings(int Concurrency, bool Download, int TimeoutMs, int TtlHours, bool Validate);

/// <summary>One batch item or pipeline step; batches are pipelines without dependencies.</summary>
internal sealed record JobItem
{
    public int Index { get; init; }
    /// <summary>Pipeline step id; null for batch items.</summary>
    public string? StepId { get; init; }
    public string Model { get; init; } = "";
    public JsonElement Input { get; init; }
    public ImmutableArray<string> DependsOn { get; init; } = [];
    public ItemStatus Status { get; init; }
    public string? PredictionId { get; init; }
    /// <summary>Its create as recorded before it was sent (CONTRACT §6); with no <see cref="PredictionId"/>, recovery finds it on Replicate.</summary>
    public SentCreate? Sent { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public PredictionResult? Result { get; init; }
    public string? Error { get; init; }
    public string? SkipReason { get; init; }
    /// <summary>The input as sent, templates resolved.</summary>
    public JsonElement? SentInput { get; init; }

    private readonly ImmutableArray<ItemAttempt> _attempts = [];

    /// <summary>How earlier attempts ended, oldest first (CONTRACT §10); the current one is the item itself. Files before format 3 have none.</summary>
    public ImmutableArray<ItemAttempt> Attempts { get => _attempts.IsDefault ? [] : _attempts; init => _attempts = value; }

    /// <summary>A succeeded step whose output files Replicate has removed: steps that run again are given its downloaded files instead.</summary>
    public bool OutputsExpired { get; init; }

    /// <summary>Folder name for its downloads: the step id, or the item index.</summary>
    [JsonIgnore]
    public string Key => StepId ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An immutable snapshot of a job; the store swaps whole snapshots.</summary>
internal sealed record Job
{
    /// <summary>
    /// 2: ownership by owner lock (<see cref="OwnerId"/>) and the backend recorded. 3: items keep earlier attempts
    /// (<see cref="JobItem.Attempts"/>). An older server leaves a newer file alone; older files load as they are.
    /// </summary>
    public const int FormatVersion = 3;

    private readonly ImmutableArray<string> _clientRoots = [];

    public int Version { get; init; } = FormatVersion;
    /// <summary>Counts the store's changes to this job, so an older snapshot never replaces a newer one on disk.</summary>
    public long Revision { get; init; }
    public string Id { get; init; } = "";
    public JobKind Kind { get; init; }
    public JobSettings Settings { get; init; } = new(3, true, 300_000, 1, true);
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public bool CanceledByUser { get; init; }
    public string? Note { get; init; }
    /// <summary>The server process that runs it: the id of its owner lock (<see cref="Ownership.OwnerLock"/>); null in format-1 files.</summary>
    public string? OwnerId { get; init; }
    /// <summary>Format 1 only (pid and start time), read from old files; never written by this version.</summary>
    public JobOwner? Owner { get; init; }
    /// <summary>What it runs against (<see cref="Storage.JobBackend"/>); it is only ever resumed against the same. Null in format-1 files.</summary>
    public string? Backend { get; init; }
    /// <summary>The start's <c>idempotency_key</c>, so a repeated start finds this job, also after a restart.</summary>
    public string? IdempotencyKey { get; init; }
    /// <summary>The client's roots at start (<c>file://</c> URIs): kept so items started later, or resumed, obey the same file rules.</summary>
    /// <remarks>Job files written before roots were kept have none: the source-generated reader leaves the array default.</remarks>
    public ImmutableArray<string> ClientRoots { get => _clientRoots.IsDefault ? [] : _clientRoots; init => _clientRoots = value; }
    public ImmutableArray<JobItem> Items { get; init; } = [];

    [JsonIgnore]
    public DateTimeOffset? ExpiresAt => CompletedAt?.AddHours(Settings.TtlHours);

    [JsonIgnore]
    public bool IsFinished => CompletedAt is not null;

    [JsonIgnore]
    public JobStatus Status
    {
        get
        {
            if (Items.Any(i => !i.Status.IsTerminal())) return JobStatus.Running;
            if (CanceledByUser) return JobStatus.Canceled;
            var succeeded = Items.Count(i => i.Status == ItemStatus.Succeeded);
            return succeeded == Items.Length ? JobStatus.Succeeded : succeeded == 0 ? JobStatus.Failed : JobStatus.Partial;
        }
    }

    public int Count(ItemStatus status) => Items.Count(i => i.Status == status);

    public Job WithItem(int index, Func<JobItem, JobItem> change) => this with { Items = Items.SetItem(index, change(Items[index])) };
}

/// <summary>How an earlier attempt of a retried item ended.</summary>
internal sealed record ItemAttempt(string? PredictionId, ItemStatus Status, string? Error);

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
internal enum JobStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("partial")] Partial,
    [JsonStringEnumMemberName("canceled")] Canceled,
}
