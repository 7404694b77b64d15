namespace NationalAiEval.Core.Weights;

/// <summary>
/// The programme's published conversion, "768 B200 ≈ 512 B200 + 512 H100" (so H100 = 0.5 B200), with B200 as the
/// reference model. H200 at 0.6 is the demo data's assumption: no official figure was published.
/// The initial migration seeds the same values; a test keeps the two in step.
/// </summary>
public static class DefaultWeights
{
    public const string ReferenceModel = "B200";

    public static IReadOnlyDictionary<string, int> PerMille { get; } = new Dictionary<string, int>
    {
        ["B200"] = 1000,
        ["H200"] = 600,
        ["H100"] = 500,
    };
}
