namespace NationalAiEval.Api.Auth;

/// <summary>The four kinds of API key (api-docs/DEFINITIONS.md#isolation).</summary>
public enum Role
{
    Manager,
    Finance,
    Team,
    Provider,
}
