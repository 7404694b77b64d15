namespace NationalAiEval.Api.Auth;

/// <summary>The four kinds of API key (DESIGN section 6).</summary>
public enum Role
{
    Manager,
    Finance,
    Team,
    Provider,
}
