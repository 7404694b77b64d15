namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// Base of every integration test class. Each test class is declared once, abstract, and run per database by two
/// small subclasses; the SQL Server subclass skips itself (visibly) unless a SQL Server is configured.
/// </summary>
public abstract class ApiTest : IAsyncLifetime
{
    protected ApiTest(DatabaseKind kind)
    {
        Kind = kind;
        if (kind == DatabaseKind.SqlServer && TestDatabase.SqlServerConnectionString is null)
        {
            Assert.Skip(TestDatabase.SkipReason);
        }
    }

    protected DatabaseKind Kind { get; }

    protected TestApp App { get; private set; } = null!;

    protected HttpClient Manager => App.Manager;

    protected Programme Programme { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await TestApp.StartAsync(Kind);
        Programme = new Programme(App.Manager);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
