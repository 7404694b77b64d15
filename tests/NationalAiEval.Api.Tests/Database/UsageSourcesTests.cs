using Microsoft.Data.Sqlite;
using NationalAiEval.Api.Tests.Infrastructure;
using NationalAiEval.Api.Usage;

namespace NationalAiEval.Api.Tests.Database;

/// <summary>Usage sources are data: the table the records reference holds exactly the formats the code writes.</summary>
public sealed class UsageSourcesTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(DatabaseKind.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TheSourcesTable_HoldsEveryFormatTheCodeWrites_AndRecordsMustNameOne()
    {
        Assert.Equal(UsageSources.All.Order(StringComparer.Ordinal), await _app.QueryAsync<string>("SELECT code FROM usage_source ORDER BY code"));

        await new Programme(_app.Manager).PoolAsync("p8");
        var unknown = await Assert.ThrowsAsync<SqliteException>(() => _app.WriteBehindTheApiAsync("""
            INSERT INTO usage_record (pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty)
            SELECT id, 'x', 'a', 0, 1, 1, 1, 1, 'carrier-pigeon', 1, 0, 1 FROM pool WHERE code = 'p8'
            """));
        Assert.Equal(19, unknown.SqliteErrorCode);
    }
}
