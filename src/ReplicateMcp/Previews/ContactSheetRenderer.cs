namespace ReplicateMcp.Previews;

/// <summary>
/// Renders contact sheets off the request's thread, one at a time, within a time bound. Decoding and encoding a
/// sheet is CPU work of up to a few seconds (100 tiles): run inline it would hold a thread-pool thread the
/// protocol needs, and several at once would starve the jobs' own work on a small machine.
/// </summary>
internal sealed class ContactSheetRenderer(TimeProvider time) : IDisposable
{
    /// <summary>Long enough for 50 items × 2 large outputs on a slow machine; a status answer never waits longer.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>
    /// The sheet of <paramref name="tiles"/>, or null when it was not done within <see cref="TimeLimit"/> (counting
    /// the wait for another sheet). A sheet that runs late still finishes in the background before the next starts.
    /// </summary>
    public async Task<ContactSheetImage?> RenderAsync(IReadOnlyList<PreviewTile> tiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        using var limit = new CancellationTokenSource(TimeLimit, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        try
        {
            await _oneAtATime.WaitAsync(bounded.Token);
            var render = Task.Run(() =>
            {
                try { return ContactSheet.Render(tiles); }
                finally { _oneAtATime.Release(); }
            }, CancellationToken.None);
            return await render.WaitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _oneAtATime.Dispose();
}
