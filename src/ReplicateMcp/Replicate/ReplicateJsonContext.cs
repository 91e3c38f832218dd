using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReplicateMcp.Replicate;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Prediction))]
[JsonSerializable(typeof(PredictionPage))]
[JsonSerializable(typeof(CreatePredictionRequest))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(ModelVersionInfo))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(ModelPage))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(UploadedFile))]
internal sealed partial class ReplicateJsonContext : JsonSerializerContext;
