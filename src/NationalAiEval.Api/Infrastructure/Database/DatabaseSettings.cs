using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace NationalAiEval.Api.Infrastructure.Database;

/// <summary>Which database the service uses and how to reach it, resolved once from configuration.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, int CommandTimeoutSeconds = DatabaseSettings.DefaultCommandTimeoutSeconds)
{
    /// <summary>How long a statement may run or wait for a lock before it fails (503, retry): <c>Database:CommandTimeoutSeconds</c>.</summary>
    public const int DefaultCommandTimeoutSeconds = 30;

    public static DatabaseSettings FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var providerText = configuration["Database:Provider"] ?? nameof(DatabaseProvider.Sqlite);
        if (!Http.EnumText.TryParse<DatabaseProvider>(providerText, out var provider))
        {
            throw new InvalidOperationException($"Database:Provider must be Sqlite or SqlServer, not '{providerText}'.");
        }

        if (provider == DatabaseProvider.SqlServer)
        {
            var text = configuration.GetConnectionString("SqlServer");
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new InvalidOperationException("Database:Provider is SqlServer but ConnectionStrings:SqlServer is empty.");
            }

            // Validates the syntax at start rather than at the first request.
            _ = new SqlConnectionStringBuilder(text);
            return new DatabaseSettings(provider, text, Timeout(configuration));
        }

        var timeout = Timeout(configuration);
        return new DatabaseSettings(provider, SqliteConnectionString(configuration.GetConnectionString("Sqlite"), contentRoot, timeout), timeout);
    }

    private static int Timeout(IConfiguration configuration)
    {
        var seconds = configuration.GetValue("Database:CommandTimeoutSeconds", DefaultCommandTimeoutSeconds);
        return seconds is >= 1 and <= 3600 ? seconds : throw new InvalidOperationException("Database:CommandTimeoutSeconds must be from 1 to 3600.");
    }

    /// <summary>
    /// A relative SQLite path is resolved against the content root so that the file does not move with the shell's
    /// working directory; foreign keys are always enforced; a writer waits for another's lock up to the busy timeout.
    /// </summary>
    public static string SqliteConnectionString(string? configured, string contentRoot, int busyTimeoutSeconds = DefaultCommandTimeoutSeconds)
    {
        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=data/nationalaieval.db" : configured);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        }

        builder.ForeignKeys = true;
        builder.DefaultTimeout = busyTimeoutSeconds;
        return builder.ToString();
    }

    public string? SqliteFilePath =>
        Provider == DatabaseProvider.Sqlite ? new SqliteConnectionStringBuilder(ConnectionString).DataSource : null;
}
