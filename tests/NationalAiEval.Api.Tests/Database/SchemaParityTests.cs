using Microsoft.SqlServer.TransactSql.ScriptDom;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Database;

/// <summary>
/// The two databases' schemas are written twice (db/sqlite, db/sqlserver). No SQL Server runs here, so its schema is
/// built by reading every migration with Microsoft's T-SQL parser (tables created and dropped, columns added, altered,
/// dropped and renamed with sp_rename), and compared with what the SQLite migrations really build (PRAGMA table_info):
/// the same tables, the same columns, the same nullability and the same kind of value.
/// </summary>
public sealed class SchemaParityTests
{
    /// <summary>A column as both databases can be compared on: its name, whether it may be null, and its kind (integer, text, bytes).</summary>
    public sealed record Column(string Table, string Name, bool Nullable, string Kind);

    [Fact]
    public void SqlServerMigrations_BuildTheSameTablesAndColumns_AsSqlite()
    {
        var sqlServer = SqlServerSchema(Directory.GetFiles(RepositoryPaths.MigrationFolder("sqlserver"), "*.sql").Order(StringComparer.Ordinal).Select(File.ReadAllText));
        var sqlite = SqliteSchema();

        Assert.True(sqlite.Count > 100, $"Only {sqlite.Count} SQLite columns: the migrations did not run.");
        Assert.Equal(Describe(sqlite.Except(sqlServer)), Describe(sqlServer.Except(sqlite)));
        Assert.Equal(sqlite.OrderBy(c => c.Table).ThenBy(c => c.Name), sqlServer.OrderBy(c => c.Table).ThenBy(c => c.Name));
    }

    [Fact]
    public void TheSqlServerReading_FollowsAlterationsAndRenames()
    {
        var schema = SqlServerSchema([
            """
            CREATE TABLE dbo.t (id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_t PRIMARY KEY, a NVARCHAR(10) NULL, b BIGINT NOT NULL, gone BIGINT NULL);
            CREATE TABLE dbo.dropped (x BIGINT NOT NULL);
            """,
            """
            ALTER TABLE dbo.t ADD c VARBINARY(32) NOT NULL;
            ALTER TABLE dbo.t ALTER COLUMN a NVARCHAR(20) NOT NULL;
            ALTER TABLE dbo.t DROP COLUMN gone;
            EXEC sp_rename 'dbo.t.b', 'b_renamed', 'COLUMN';
            DROP TABLE dbo.dropped;
            """,
        ]);

        Assert.Equal(
            [new("t", "a", false, "text"), new("t", "b_renamed", false, "integer"), new("t", "c", false, "bytes"), new("t", "id", false, "integer")],
            schema.OrderBy(c => c.Name).ToList());
    }

    private static List<string> Describe(IEnumerable<Column> columns) => [.. columns.Select(c => $"{c.Table}.{c.Name} {(c.Nullable ? "NULL" : "NOT NULL")} {c.Kind}").Order(StringComparer.Ordinal)];

    private static HashSet<Column> SqliteSchema()
    {
        using var database = new MigratedSqlite();

        // DbUp's journal is each database's own bookkeeping, not part of the schema the migrations write.
        var tables = database.Strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'SchemaVersions' COLLATE NOCASE");
        var columns = new HashSet<Column>();
        foreach (var table in tables)
        {
            using var info = database.Connection.CreateCommand();
            info.CommandText = $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                var type = reader.GetString(1).ToUpperInvariant();

                // An INTEGER PRIMARY KEY is SQLite's rowid: never null, whatever the declaration says.
                var notNull = reader.GetInt64(2) == 1 || (reader.GetInt64(3) > 0 && type == "INTEGER");
                columns.Add(new Column(table, reader.GetString(0), !notNull, SqliteKind(type)));
            }
        }

        return columns;
    }

    private static string SqliteKind(string type) => type switch
    {
        "INTEGER" => "integer",
        "TEXT" => "text",
        "BLOB" => "bytes",
        _ => $"sqlite {type}",
    };

    private static string SqlServerKind(DataTypeReference type) => type is SqlDataTypeReference sql
        ? sql.SqlDataTypeOption switch
        {
            SqlDataTypeOption.BigInt or SqlDataTypeOption.Int or SqlDataTypeOption.SmallInt or SqlDataTypeOption.TinyInt or SqlDataTypeOption.Bit => "integer",
            SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar or SqlDataTypeOption.NChar or SqlDataTypeOption.Char => "text",
            SqlDataTypeOption.VarBinary or SqlDataTypeOption.Binary => "bytes",
            var other => $"sqlserver {other}",
        }
        : $"sqlserver {type.Name.BaseIdentifier.Value}";

    /// <summary>The schema the scripts leave behind, in order, as far as the statements they use can say.</summary>
    private static HashSet<Column> SqlServerSchema(IEnumerable<string> scripts)
    {
        var tables = new Dictionary<string, Dictionary<string, (bool Nullable, string Kind)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var script in scripts)
        {
            var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(script), out var errors);
            Assert.Empty(errors);
            foreach (var statement in ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements))
            {
                Apply(tables, statement);
            }
        }

        return [.. tables.SelectMany(t => t.Value.Select(c => new Column(t.Key, c.Key, c.Value.Nullable, c.Value.Kind)))];
    }

    private static void Apply(Dictionary<string, Dictionary<string, (bool Nullable, string Kind)>> tables, TSqlStatement statement)
    {
        switch (statement)
        {
            case CreateTableStatement create:
                var primaryKey = create.Definition.TableConstraints.OfType<UniqueConstraintDefinition>().Where(u => u.IsPrimaryKey)
                    .SelectMany(u => u.Columns.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value)).ToHashSet(StringComparer.OrdinalIgnoreCase);
                tables[create.SchemaObjectName.BaseIdentifier.Value] = create.Definition.ColumnDefinitions
                    .ToDictionary(c => c.ColumnIdentifier.Value, c => Describe(c, primaryKey.Contains(c.ColumnIdentifier.Value)), StringComparer.OrdinalIgnoreCase);
                break;
            case AlterTableAddTableElementStatement add:
                foreach (var column in add.Definition.ColumnDefinitions)
                {
                    tables[add.SchemaObjectName.BaseIdentifier.Value][column.ColumnIdentifier.Value] = Describe(column, inPrimaryKey: false);
                }

                break;
            case AlterTableAlterColumnStatement alter:
                var altered = tables[alter.SchemaObjectName.BaseIdentifier.Value];
                altered[alter.ColumnIdentifier.Value] = (
                    alter.AlterTableAlterColumnOption != AlterTableAlterColumnOption.NotNull,
                    alter.DataType is null ? altered[alter.ColumnIdentifier.Value].Kind : SqlServerKind(alter.DataType));
                break;
            case AlterTableDropTableElementStatement drop:
                foreach (var element in drop.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
                {
                    tables[drop.SchemaObjectName.BaseIdentifier.Value].Remove(element.Name.Value);
                }

                break;
            case DropTableStatement dropTable:
                foreach (var name in dropTable.Objects)
                {
                    tables.Remove(name.BaseIdentifier.Value);
                }

                break;
            case ExecuteStatement { ExecuteSpecification.ExecutableEntity: ExecutableProcedureReference procedure }
                when procedure.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value.Equals("sp_rename", StringComparison.OrdinalIgnoreCase):
                var arguments = procedure.Parameters.Select(p => ((StringLiteral)p.ParameterValue).Value).ToList();
                Assert.Equal("COLUMN", arguments[2], ignoreCase: true);
                var parts = arguments[0].Split('.');
                var renamed = tables[parts[^2]];
                renamed[arguments[1]] = renamed[parts[^1]];
                renamed.Remove(parts[^1]);
                break;
        }
    }

    private static (bool Nullable, string Kind) Describe(ColumnDefinition column, bool inPrimaryKey)
    {
        var declared = column.Constraints.OfType<NullableConstraintDefinition>().FirstOrDefault();
        var primaryKey = inPrimaryKey || column.Constraints.OfType<UniqueConstraintDefinition>().Any(u => u.IsPrimaryKey);
        var nullable = declared?.Nullable ?? !(primaryKey || column.IdentityOptions is not null);
        return (nullable && !primaryKey, SqlServerKind(column.DataType));
    }
}
