using Microsoft.Extensions.Options;

namespace ReplicateMcp.LocalFiles;

/// <summary>Checks the data annotations of <see cref="LocalFileOptions"/> by generated code, not reflection (Native AOT).</summary>
[OptionsValidator]
internal sealed partial class LocalFileOptionsValidator : IValidateOptions<LocalFileOptions>;
