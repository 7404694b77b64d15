using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace NationalAiEval.Api.Infrastructure.Json;

/// <summary>
/// One JSON dialect for requests, responses and audit snapshots: camelCase, ISO-8601 NodaTime values, enums as
/// lower-case strings, and no unknown or repeated fields in requests (a misspelt field is an error, not a silent
/// default; <c>{"gpus": 1, "gpus": 100000}</c> is refused rather than read as its last value).
/// </summary>
public static class JsonSetup
{
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.Converters.Insert(0, new StrictInstantConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MaxDepth = 32;
        options.AllowDuplicateProperties = false;
    }

    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
