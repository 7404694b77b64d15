using NationalAiEval.Api.Audit;
using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;
using NodaTime;

namespace NationalAiEval.Api.Teams;

/// <summary>The competing teams. A team exists once; its participations in stages live in Participations.</summary>
public sealed class TeamStore(Db db, IClock clock, AuditLog audit)
{
    public static readonly Sql ByCode = Sql.Portable("SELECT id, code, name, created_unix FROM team WHERE code = @Code");

    private static readonly Sql Insert = Sql.InsertReturningId("team", "code, name, created_unix", "@Code, @Name, @CreatedUnix");

    private static readonly Sql ListPage = Sql.FirstRows(
        "id, code, name, created_unix", "FROM team WHERE id > @After AND (@OnlyId IS NULL OR id = @OnlyId) ORDER BY id");

    public async Task<TeamView> CreateAsync(CreateTeamRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var code = v.Code(request.Code, "code");
        var name = v.Text(request.Name, "name");
        v.ThrowIfInvalid();

        await using var session = await db.WriteAsync(cancellationToken);
        if (await session.QuerySingleOrDefaultAsync<TeamRow>(ByCode, new { Code = code }, cancellationToken) is not null)
        {
            throw Problems.Conflict("duplicate-code", "A team with this code exists.", $"Team '{code}' already exists.");
        }

        var now = Unix.Now(clock);
        var id = await session.QuerySingleAsync<long>(Insert, new { Code = code, Name = name, CreatedUnix = Unix.Seconds(now) }, cancellationToken);
        var view = new TeamView(code, name, now);
        await audit.WriteAsync(session, caller, "team.create", "team", id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, view, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return view;
    }

    /// <summary>A team key lists only its own team.</summary>
    public async Task<Page<TeamView>> ListAsync(Caller caller, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var session = await db.ReadAsync(cancellationToken);
        var onlyId = caller.ReadsEverything ? null : caller.TeamId;
        var rows = (await session.QueryAsync<TeamRow>(ListPage, new { page.After, page.Take, OnlyId = onlyId }, cancellationToken)).ToList();
        return page.Cut(rows, r => r.Id, ToView);
    }

    public async Task<TeamView> GetAsync(string code, Caller caller, CancellationToken cancellationToken)
    {
        await using var session = await db.ReadAsync(cancellationToken);
        var row = await FindVisibleAsync(session, code, caller, cancellationToken);
        return ToView(row);
    }

    /// <summary>The team with <paramref name="code"/> if this caller may see it; 404 otherwise, whether or not it exists.</summary>
    public static async Task<TeamRow> FindVisibleAsync(DbSession session, string code, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(caller);
        var row = await session.QuerySingleOrDefaultAsync<TeamRow>(ByCode, new { Code = code }, cancellationToken);
        if (row is null || !caller.MaySeeTeam(row.Id))
        {
            throw Problems.NotFound("team", code);
        }

        return row;
    }

    private static TeamView ToView(TeamRow row) => new(row.Code, row.Name, Unix.Instant(row.CreatedUnix));
}

public sealed class TeamRow
{
    public long Id { get; init; }
    public string Code { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public long CreatedUnix { get; init; }
}
