using System.Globalization;
using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Intake;

/// <summary>
/// A provider (of pool pp) sends random uploads in every intake format (JSON records, sacct text, DCGM scrapes), full
/// of hostile values: instants from year 1 to 9999, durations of years, negative and astronomic GPU counts, names with
/// NUL, line breaks and bidi overrides; and records stored before the intake bounds sit in the table too. Whatever it
/// sends: no answer is a 500, reconciliation and detect-idle succeed, team tb (which uses pool pq only) reads exactly
/// the same quota and waste figures as before, every stored record out of bounds is quarantined (and only those), and
/// pool pp's facts add up to exactly the records that count.
/// </summary>
[Trait(TestKinds.Name, TestKinds.Property)]
public sealed class HostileIntakePropertyTests
{
    private static readonly string[] Texts =
    [
        "acct-a", "acct-b", "", " ", "a\u0000b", "acct-a\n", "\r\nx", "\u202Eacct", "a b", "a'b", "a\"b", "a|b", "😀", new string('x', 300), "12", "12_3", "12+1",
    ];

    private static readonly long[] Instants =
    [
        Instant.FromUtc(1, 1, 1, 0, 0).ToUnixTimeSeconds(), Instant.FromUtc(1999, 12, 31, 23, 59).ToUnixTimeSeconds(), Instant.FromUtc(2000, 1, 1, 0, 0).ToUnixTimeSeconds(),
        Instant.FromUtc(2025, 12, 20, 0, 0).ToUnixTimeSeconds(), Instant.FromUtc(2026, 3, 10, 7, 30).ToUnixTimeSeconds(), Instant.FromUtc(2026, 3, 31, 23, 0).ToUnixTimeSeconds(),
        Instant.FromUtc(2026, 4, 1, 0, 10).ToUnixTimeSeconds(), Instant.FromUtc(2027, 1, 5, 0, 0).ToUnixTimeSeconds(), Instant.FromUtc(2099, 12, 31, 23, 59).ToUnixTimeSeconds(),
        Instant.FromUtc(9999, 1, 1, 0, 0).ToUnixTimeSeconds(),
    ];

    private static readonly long[] Durations = [0, 1, 3600, 59L * 86_400, 61L * 86_400, 10L * 365 * 86_400, -3600];

    private static readonly long[] GpuCounts = [-1, 0, 1, 8, 9, 1_000_000, 10_000_000, long.MaxValue];

    [FsCheck.Xunit.Property(MaxTest = 12, QuietOnSuccess = true)]
    public Property NoHostileIntake_FailsAJob_OrMovesAnotherTeamsFigures() =>
        Prop.ForAll(Attacks(), attack => CheckAsync(attack).GetAwaiter().GetResult());

    private static async Task<bool> CheckAsync(Attack attack)
    {
        await using var app = await TestApp.StartAsync(DatabaseKind.Sqlite, Instant.FromUtc(2026, 4, 1, 0, 0));
        var manager = app.Manager;
        var programme = new Programme(manager);
        await programme.PoolAsync("pp");
        await programme.PoolAsync("pq");
        await programme.StageAsync("st");
        await programme.TeamAsync("ta", "tb");
        foreach (var team in new[] { "ta", "tb" })
        {
            await (await programme.AdmitAsync("st", team)).ExpectAsync(HttpStatusCode.Created);
        }

        await (await manager.PutJsonAsync("/api/v1/pools/pp/accounts/acct-a", new { team = "ta" })).ExpectAsync(HttpStatusCode.Created);
        await (await manager.PutJsonAsync("/api/v1/pools/pq/accounts/acct-b", new { team = "tb" })).ExpectAsync(HttpStatusCode.Created);
        await (await manager.PostRecordsAsync("pq", UsageReports.Job("tb-1", "acct-b", "2026-03-02T00:00:00Z", "2026-03-02T05:30:00Z", 3))).ExpectAsync(HttpStatusCode.OK);
        await manager.ReconcileAsync();
        await (await manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);
        var victimBefore = await VictimFiguresAsync(manager);

        var provider = await app.ClientAsync("provider", null, "pp");
        for (var i = 0; i < attack.Stored.Length; i++)
        {
            var record = attack.Stored[i];
            await app.WriteBehindTheApiAsync("""
                INSERT INTO usage_record (pool_id, external_id, account, start_unix, end_unix, until_unix, gpus, gpu_seconds, source, revision, received_unix, dirty)
                SELECT id, @ExternalId, @Account, @StartUnix, @UntilUnix, @UntilUnix, @Gpus, 0, 'json', 1, 0, 1 FROM pool WHERE code = 'pp'
                """, new { ExternalId = $"stored-{i}", Account = "acct-a", StartUnix = record.Start, UntilUnix = record.Until, record.Gpus });
        }

        foreach (var upload in attack.Uploads)
        {
            var response = await provider.PostRawAsync(upload.Url, upload.Body, upload.ContentType);
            Assert.True((int)response.StatusCode < 500, $"{upload.Url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{upload.Body}");
        }

        await manager.ReconcileAsync();
        await (await manager.PostAsync("/api/v1/jobs/detect-idle/runs", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (await manager.ReconcileAsync()).Long("records"));
        Assert.Equal(victimBefore, await VictimFiguresAsync(manager));

        // An independent reading of the bounds: 2000 to 2100, at most 60 days, 1 to 8 GPUs (pool pp's lease).
        var quarantined = (await app.QueryAsync<string>("SELECT external_id FROM usage_record WHERE review_state = 'quarantined'")).ToHashSet();
        for (var i = 0; i < attack.Stored.Length; i++)
        {
            Assert.Equal(!attack.Stored[i].Countable, quarantined.Contains($"stored-{i}"));
        }

        var facts = (await app.QueryAsync<long>("""
            SELECT COALESCE(SUM(f.gpu_seconds), 0) FROM usage_fact f JOIN pool p ON p.id = f.pool_id WHERE p.code = 'pp'
            """)).Single() + (await app.QueryAsync<long>("""
            SELECT COALESCE(SUM(f.gpu_seconds), 0) FROM unmapped_usage_fact f JOIN pool p ON p.id = f.pool_id WHERE p.code = 'pp'
            """)).Single();
        var counted = (await app.QueryAsync<long>("""
            SELECT COALESCE(SUM(r.gpus * (r.until_unix - r.start_unix)), 0) FROM usage_record r JOIN pool p ON p.id = r.pool_id
            WHERE p.code = 'pp' AND r.review_state IS NULL
            """)).Single();
        Assert.Equal(counted, facts);
        return true;
    }

    private static async Task<string> VictimFiguresAsync(HttpClient manager)
    {
        var quota = await (await manager.GetAsync("/api/v1/teams/tb/quota")).ExpectAsync(HttpStatusCode.OK);
        var waste = await (await manager.GetAsync("/api/v1/reports/waste?from=2026-03&to=2026-03&groupBy=pool,team")).ExpectAsync(HttpStatusCode.OK);
        var stage = Assert.Single(quota.Items("stages"));
        return stage.GetProperty("used") + "\n" + string.Join("\n", waste.Items("rows").Where(r => r.ToString().Contains("\"pq\"", StringComparison.Ordinal)));
    }

    public sealed record Upload(string Url, string Body, string ContentType)
    {
        public override string ToString() => $"{Url} ({ContentType}): {Body.Replace("\0", "\\0", StringComparison.Ordinal)}";
    }

    public sealed record StoredRecord(long Start, long Until, long Gpus)
    {
        private static readonly long Earliest = Instant.FromUtc(2000, 1, 1, 0, 0).ToUnixTimeSeconds();
        private static readonly long Latest = Instant.FromUtc(2100, 1, 1, 0, 0).ToUnixTimeSeconds();

        public bool Countable => Start >= Earliest && Until < Latest && Until >= Start && Until - Start <= 60L * 86_400 && Gpus is >= 1 and <= 8;
    }

    public sealed record Attack(Upload[] Uploads, StoredRecord[] Stored)
    {
        public override string ToString() => string.Join("\n", Uploads.Select(u => u.ToString())) + "\nstored: " + string.Join("; ", Stored.Select(s => s.ToString()));
    }

    private static Arbitrary<Attack> Attacks()
    {
        var record = from id in Gen.Elements(Texts)
                     from account in Gen.Elements(Texts)
                     from start in Gen.Elements(Instants)
                     from duration in Gen.Elements(Durations)
                     from gpus in Gen.Elements(GpuCounts)
                     select (Id: id, Account: account, Start: start, Until: SafeAdd(start, duration), Gpus: gpus);
        var json = record.ListOf().Select(rs => new Upload("/api/v1/pools/pp/usage",
            "{\"records\":[" + string.Join(",", rs.Take(6).Select((r, i) =>
                $"{{\"externalId\":{Json(r.Id + i)},\"account\":{Json(r.Account)},\"start\":{Json(Iso(r.Start))},\"end\":{Json(Iso(r.Until))},\"gpus\":{r.Gpus}}}")) + "]}",
            "application/json"));
        var sacct = record.ListOf().Select(rs => new Upload("/api/v1/pools/pp/usage/sacct",
            "JobID|Account|AllocTRES|Start|End|State\n" + string.Join("\n", rs.Take(6).Select((r, i) =>
                $"{r.Id}{i}|{r.Account}|gres/gpu={r.Gpus}|{Slurm(r.Start)}|{Slurm(r.Until)}|COMPLETED")) + "\n",
            "text/plain"));
        var dcgm = from samples in (from gpu in Gen.Elements(Texts)
                                    from job in Gen.Elements(Texts)
                                    from at in Gen.Elements(Instants)
                                    from value in Gen.Elements("0", "50", "100", "101", "-1", "NaN", "1e308")
                                    select $"DCGM_FI_DEV_GPU_UTIL{{UUID={Json(gpu)},hpc_job={Json(job)}}} {value} {at * 1000}").ListOf()
                   select new Upload("/api/v1/pools/pp/usage/dcgm", string.Join("\n", samples.Take(6)) + "\n", "text/plain");
        var stored = from start in Gen.Elements(Instants)
                     from duration in Gen.Elements(Durations)
                     from gpus in Gen.Elements(1L, 8L, 9L, 1_000_000L, 10_000_000L)
                     select new StoredRecord(start, start + Math.Abs(duration), gpus);
        return (from uploads in Gen.OneOf(json, sacct, dcgm).ListOf().Select(l => l.Take(4).ToArray())
                from storedRecords in stored.ListOf().Select(l => l.Take(3).ToArray())
                select new Attack(uploads, storedRecords)).ToArbitrary();
    }

    private static long SafeAdd(long start, long duration) => duration > 0 && start > long.MaxValue - duration ? long.MaxValue : start + duration;

    private static string Iso(long unix) => Instant.FromUnixTimeSeconds(Math.Clamp(unix, -62135596800, 253402300799)).ToString();

    private static string Slurm(long unix) =>
        Instant.FromUnixTimeSeconds(Math.Clamp(unix, -62135596800, 253402300799)).InUtc().LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A JSON string literal, escaping what JSON requires and nothing more: the service sees the hostile text itself.</summary>
    private static string Json(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return json.Append('"').ToString();
    }
}
