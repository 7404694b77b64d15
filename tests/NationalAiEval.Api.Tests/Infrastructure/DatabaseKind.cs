namespace NationalAiEval.Api.Tests.Infrastructure;

public enum DatabaseKind
{
    Sqlite,
    SqlServer,
}
