using Microsoft.Extensions.Options;

namespace ReplicateMcp.Replicate;

/// <summary>Checks the data annotations of <see cref="ReplicateOptions"/> by generated code, not reflection (Native AOT).</summary>
[OptionsValidator]
internal sealed partial class ReplicateOptionsValidator : IValidateOptions<ReplicateOptions>;
