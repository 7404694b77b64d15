using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NationalAiEval.Api.Infrastructure.Http;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Contract;

public sealed class ProblemHandlingTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(DatabaseKind.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(2067, 409)]
    [InlineData(1555, 409)]
    [InlineData(787, 500)]
    public async Task ADatabaseConstraint_Race_IsAConflict_ButOtherDatabaseErrorsAreNot(int extendedCode, int expectedStatus)
    {
        var (status, body) = await HandleAsync(new SqliteException("constraint failed", 19, extendedCode));

        Assert.Equal(expectedStatus, status);
        Assert.DoesNotContain("constraint failed", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnexpectedException_Is500_WithoutItsMessageOrStackTrace()
    {
        var (status, body) = await HandleAsync(new InvalidOperationException("secret internals at line 42"));

        Assert.Equal(500, status);
        Assert.DoesNotContain("secret internals", body, StringComparison.Ordinal);
        Assert.Contains("traceId", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoMode_RefusesToResetADatabaseThatIsNotTheDemos()
    {
        var demo = _app.Services.GetRequiredService<NationalAiEval.Api.Demo.DemoLoader>();

        var refused = Assert.Throws<InvalidOperationException>(demo.ResetDatabase);

        Assert.Contains("refusing", refused.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_app.Database.SqliteFile));
    }

    private async Task<(int Status, string Body)> HandleAsync(Exception exception)
    {
        var handler = new ProblemExceptionHandler(_app.Services.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemExceptionHandler>.Instance);
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Response.Body = new MemoryStream();

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
