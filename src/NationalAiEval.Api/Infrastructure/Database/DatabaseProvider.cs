namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>The one configuration switch between the embedded default and production storage (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}
