using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Tests.Infrastructure;
using NationalAiEval.Core.Weights;

namespace NationalAiEval.Api.Tests.Database;

/// <summary>
/// No SQL Server runs here, so every SQL Server statement and script is at least parsed by Microsoft's own T-SQL
/// parser; every SQLite statement is compiled against the schema that the real migrations build.
/// </summary>
public sealed class SqlDialectTests
{
    public static TheoryData<string> Statements() => [.. AllStatements().Select(s => s.Name)];

    public static TheoryData<string> SqlServerScripts() =>
        [.. Directory.GetFiles(RepositoryPaths.MigrationFolder("sqlserver"), "*.sql").Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void EveryFeatureDeclaresItsStatementsAsSqlFields() => Assert.True(AllStatements().Count >= 60, $"Found only {AllStatements().Count} statements.");

    [Theory]
    [MemberData(nameof(Statements))]
    public void SqlServerText_ParsesAsTSql(string name)
    {
        var errors = ParseTSql(AllStatements().Single(s => s.Name == name).Sql.SqlServer);

        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}");
    }

    [Theory]
    [MemberData(nameof(SqlServerScripts))]
    public void SqlServerMigration_ParsesAsTSql(string file)
    {
        var errors = ParseTSql(File.ReadAllText(Path.Combine(RepositoryPaths.MigrationFolder("sqlserver"), file)));

        Assert.True(errors.Count == 0, $"{file}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}");
    }

    [Fact]
    public void ALockingRead_LocksTheMarkedTableOnSqlServer_AndIsPlainOnSqlite()
    {
        var sql = Sql.LockingRead($"SELECT id FROM pool p {Sql.RowLock} JOIN lease_line l ON l.pool_id = p.id WHERE p.id = @Id");

        Assert.Equal("SELECT id FROM pool p JOIN lease_line l ON l.pool_id = p.id WHERE p.id = @Id", sql.Sqlite);
        Assert.Equal("SELECT id FROM pool p WITH (UPDLOCK, HOLDLOCK) JOIN lease_line l ON l.pool_id = p.id WHERE p.id = @Id", sql.SqlServer);
        Assert.Throws<ArgumentException>(() => Sql.LockingRead("SELECT id FROM pool"));
    }

    [Theory]
    [InlineData("SELECT id FROM pool WHERE")]
    [InlineData("INSERT INTO pool (code) VALUES (@Code")]
    [InlineData("SELECT id FROM pool LIMIT 5")]
    public void TheParserCheck_RejectsBrokenTSql(string sql) => Assert.NotEmpty(ParseTSql(sql));

    [Fact]
    public void SqliteText_CompilesAgainstTheMigratedSchema()
    {
        using var database = new MigratedSqlite();
        var failures = new List<string>();
        foreach (var (name, sql) in AllStatements())
        {
            try
            {
                using var command = database.Connection.CreateCommand();
                command.CommandText = sql.Sqlite;
                command.Prepare();
            }
            catch (SqliteException ex)
            {
                failures.Add($"{name}: {ex.Message}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void Migrations_AreNumbered_AndBothDialectsHaveTheSameSteps()
    {
        var sqlite = Directory.GetFiles(RepositoryPaths.MigrationFolder("sqlite"), "*.sql").Select(Path.GetFileName).Order().ToList();
        var sqlServer = Directory.GetFiles(RepositoryPaths.MigrationFolder("sqlserver"), "*.sql").Select(Path.GetFileName).Order().ToList();

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, sqlServer);
        Assert.All(sqlite, name => Assert.Matches(new Regex("^[0-9]{4}_[a-z0-9_]+\\.sql$"), name));
        Assert.Equal(sqlite.Count, sqlite.Select(n => n![..4]).Distinct().Count());
    }

    [Fact]
    public void Migrations_AreAllEmbeddedInTheService()
    {
        var resources = typeof(Migrator).Assembly.GetManifestResourceNames();
        foreach (var dialect in new[] { "sqlite", "sqlserver" })
        {
            foreach (var file in Directory.GetFiles(RepositoryPaths.MigrationFolder(dialect), "*.sql"))
            {
                Assert.Contains($"db.{dialect}.{Path.GetFileName(file)}", resources);
            }
        }
    }

    [Fact]
    public void SeededWeights_EqualTheDomainsDefaults()
    {
        foreach (var dialect in new[] { "sqlite", "sqlserver" })
        {
            var script = File.ReadAllText(Path.Combine(RepositoryPaths.MigrationFolder(dialect), "0001_initial.sql"));
            var seeded = Regex.Matches(script, @"\(N?'(?<model>[A-Z0-9]+)', N?'2020-01-01', 1577804400, (?<weight>[0-9]+),")
                .ToDictionary(m => m.Groups["model"].Value, m => int.Parse(m.Groups["weight"].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(DefaultWeights.PerMille.OrderBy(w => w.Key), seeded.OrderBy(w => w.Key));
        }
    }

    private static IList<ParseError> ParseTSql(string sql)
    {
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        return errors;
    }

    private static List<(string Name, Sql Sql)> AllStatements() =>
        typeof(Sql).Assembly.GetTypes()
            .SelectMany(type => type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(field => field.FieldType == typeof(Sql))
                .Select(field => ($"{type.Name}.{field.Name}", (Sql)field.GetValue(null)!)))
            .ToList();
}
