using Hangfire;
using Hangfire.InMemory;
using Hangfire.SqlServer;
using Microsoft.Extensions.DependencyInjection;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests;

/// <summary>Hangfire's storage follows the database choice: in memory beside SQLite, SQL Server beside SQL Server.</summary>
public abstract class JobStorageTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public void JobStorage_FollowsTheDatabase()
    {
        var storage = App.Services.GetRequiredService<JobStorage>();

        Assert.IsType(Kind == DatabaseKind.Sqlite ? typeof(InMemoryStorage) : typeof(SqlServerStorage), storage);
    }
}

public sealed class JobStorageOnSqlite() : JobStorageTests(DatabaseKind.Sqlite);

public sealed class JobStorageOnSqlServer() : JobStorageTests(DatabaseKind.SqlServer);
