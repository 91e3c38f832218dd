namespace ReplicateMcp.Downloads;

/// <summary>One output to save as <c>output-&lt;Number&gt;&lt;ext&gt;</c>; Source is an http(s) URL or a <c>data:</c> URI.</summary>
internal sealed record OutputFile(int Number, string Source);
