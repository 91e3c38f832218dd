namespace ReplicateMcp.Predictions;

/// <summary>
/// Told what following and finding do, so a test driving fake time can tick right after work arrives and know when a
/// tick is over. Production registers none.
/// </summary>
internal interface IFollowingObserver
{
    /// <summary>A prediction to follow or a create to find was added.</summary>
    void WorkAdded();

    /// <summary>A tick ended; <paramref name="sent"/> tells whether it sent a request.</summary>
    void TickCompleted(bool sent);
}
