using Microsoft.Extensions.Options;

namespace ReplicateMcp.Downloads;

/// <summary>Checks the data annotations of <see cref="DownloadOptions"/> by generated code, not reflection (Native AOT).</summary>
[OptionsValidator]
internal sealed partial class DownloadOptionsValidator : IValidateOptions<DownloadOptions>;
