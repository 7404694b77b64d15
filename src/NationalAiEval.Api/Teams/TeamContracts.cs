using NodaTime;

namespace NationalAiEval.Api.Teams;

public sealed record CreateTeamRequest(string? Code, string? Name);

public sealed record TeamView(string Code, string Name, Instant CreatedAt);
