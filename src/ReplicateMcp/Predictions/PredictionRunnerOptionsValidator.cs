using Microsoft.Extensions.Options;

namespace ReplicateMcp.Predictions;

/// <summary>Checks the data annotations of <see cref="PredictionRunnerOptions"/> by generated code, not reflection (Native AOT).</summary>
[OptionsValidator]
internal sealed partial class PredictionRunnerOptionsValidator : IValidateOptions<PredictionRunnerOptions>;
