namespace ReplicateMcp.Jobs.Service;

/// <summary>A job id that names no job this process may show (or, for a change, no job it owns); the message says why and what to do.</summary>
internal sealed class JobLookupException(string message) : Exception(message);
