using NationalAiEval.Core.Usage;

namespace NationalAiEval.Api.Usage;

/// <summary>
/// Where a record stood in its upload, so that a refusal names it as the client wrote it: a JSON record by its path
/// and field (<c>records[12].end</c>, or <c>end</c> for a body that is one record), a line of text by its number and
/// column (<c>line 7</c>: "End ...").
/// </summary>
public sealed record UsageOrigin(string? JsonPath, int? Line, bool EndGiven)
{
    public static UsageOrigin JsonRecord(int index, bool endGiven) => new($"records[{index}]", null, endGiven);

    /// <summary>A request body that is itself the record (a manager's correction).</summary>
    public static UsageOrigin Body(bool endGiven) => new(string.Empty, null, endGiven);

    public static UsageOrigin TextLine(int line) => new(null, line, true);

    public string Key(UsageField field) => Line is { } line
        ? $"line {line}"
        : string.IsNullOrEmpty(JsonPath) ? JsonName(field) : $"{JsonPath}.{JsonName(field)}";

    public string Message(UsageField field, string message) => Line is null ? message : $"{ColumnName(field)} {message}";

    private string JsonName(UsageField field) => field switch
    {
        UsageField.ExternalId => "externalId",
        UsageField.Account => "account",
        UsageField.Start => "start",
        UsageField.Until => EndGiven ? "end" : "measuredAt",
        _ => "gpus",
    };

    private static string ColumnName(UsageField field) => field switch
    {
        UsageField.ExternalId => "JobID",
        UsageField.Account => "Account",
        UsageField.Start => "Start",
        UsageField.Until => "End",
        _ => "AllocTRES (GPUs)",
    };
}
