using ReplicateMcp.Jobs;

namespace ReplicateMcp.Tests.Jobs;

public sealed class StatusWordsTests
{
    [Fact]
    public void ToWire_ItemStatuses_AreTheContractWords()
    {
        Assert.Equal(["queued", "running", "succeeded", "failed", "timed_out", "canceled", "skipped"],
            Enum.GetValues<ItemStatus>().Select(s => s.ToWire()));
    }

    [Fact]
    public void ToWire_JobStatuses_AreTheContractWords()
    {
        Assert.Equal(["running", "succeeded", "failed", "partial", "canceled"], Enum.GetValues<JobStatus>().Select(s => s.ToWire()));
    }
}
