namespace ReplicateMcp.Jobs.Storage;

/// <summary>
/// A durable save did not reach the disk; the message names the state folder and the system's reason. Caught by type
/// where money would be spent next (a start, a create), which then does not happen (CONTRACT §6, fail closed).
/// </summary>
internal sealed class StateWriteException(string folder, Exception reason)
    : IOException($"the state folder {folder} cannot be written ({reason.Message})", reason);
