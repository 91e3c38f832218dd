using Microsoft.Extensions.Options;

namespace ReplicateMcp.Jobs.Storage;

/// <summary>Checks the data annotations of <see cref="JobStoreOptions"/> by generated code, not reflection (Native AOT).</summary>
[OptionsValidator]
internal sealed partial class JobStoreOptionsValidator : IValidateOptions<JobStoreOptions>;
