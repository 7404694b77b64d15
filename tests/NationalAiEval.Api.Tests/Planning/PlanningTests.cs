using System.Net;
using System.Text.Json;
using NationalAiEval.Api.Tests.Infrastructure;
using NodaTime;

namespace NationalAiEval.Api.Tests.Planning;

public abstract class PlanningTests(DatabaseKind kind) : ApiTest(kind)
{
    /// <summary>
    /// Now is 2026-02-01. Pool p8 has 8 B200 for all of 2026; stage "st" runs 100 days from 2026-01-16 (Seoul);
    /// teams ta and tb joined on day one, each owed <paramref name="gpuDays"/> GPU-days.
    /// </summary>
    private async Task SetUpAsync(long gpuDays)
    {
        App.Clock.Reset(Instant.FromUtc(2026, 2, 1, 0, 0));
        await Programme.PoolAsync("p8");
        await Programme.StageAsync("st", durationDays: 100, entitlementGpuHours: gpuDays * 24);
        await Programme.TeamAsync("ta", "tb");
        await (await Programme.AdmitAsync("st", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AdmitAsync("st", "tb")).ExpectAsync(HttpStatusCode.Created);
    }

    private Task<HttpResponseMessage> PreviewAsync(object? body = null) => Manager.PostJsonAsync("/api/v1/stages/st/plan/preview", body ?? new { });

    private async Task<HttpResponseMessage> CommitAsync(string planId, string? etag, bool? acceptShortfall = null, string? reason = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/stages/st/plan/commit")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { planId, acceptShortfall, reason }),
        };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await Manager.SendAsync(request);
    }

    [Fact]
    public async Task Capacity_WhenTheLeasesSuffice_IsFeasible()
    {
        await SetUpAsync(300);

        var capacity = await (await Manager.GetAsync("/api/v1/stages/st/plan/capacity")).ExpectAsync(HttpStatusCode.OK);

        Assert.True(capacity.GetProperty("feasible").GetBoolean());
        // Now is 09:00 in Seoul: plans start at the next day boundary in the stage's zone, Seoul's midnight.
        Assert.Equal("2026-02-01T15:00:00Z", capacity.Text("from"));
        Assert.Empty(capacity.Items("extraLeases"));
    }

    [Fact]
    public async Task Capacity_WhenShort_NamesTheBottleneck_AndTheLeaseThatClosesIt_AndLeasingItCloses()
    {
        // From the next Seoul midnight (2026-02-01T15:00Z) to the window's end (2026-04-25T15:00Z) p8 gives 8 x 83 days: two teams cannot get 500 each.
        await SetUpAsync(500);

        var short_ = await (await Manager.GetAsync("/api/v1/stages/st/plan/capacity")).ExpectAsync(HttpStatusCode.OK);

        Assert.False(short_.GetProperty("feasible").GetBoolean());
        Assert.Equal(8m * 24 * 83 / 2, short_.Decimal("maxEqualShareGpuHours"));
        var bottleneck = Assert.Single(short_.Items("bottlenecks"));
        Assert.Equal(("p8", 8L, 8L, "full"), (bottleneck.Text("pool"), bottleneck.Long("freeGpus"), bottleneck.Long("leasedGpus"), bottleneck.Text("state")));
        Assert.NotEmpty(short_.Items("extraLeases"));
        Assert.Equal("B200", Assert.Single(short_.Items("extraByModel")).Text("gpuModel"));
        Assert.True(short_.Long("extraLeaseKrw") > 0);

        foreach (var lease in short_.Items("extraLeases"))
        {
            await Programme.LeaseAsync(lease.Text("pool"), lease.Long("gpus"), lease.Text("from"), lease.Text("to"));
        }

        var closed = await (await Manager.GetAsync("/api/v1/stages/st/plan/capacity")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(closed.GetProperty("feasible").GetBoolean());
    }

    [Fact]
    public async Task TheExtraLease_FollowsThePoolsTerms_StatedPriceMinimumLengthAndClosedPools()
    {
        await SetUpAsync(500);
        async Task PatchAsync(object newLeases, HttpStatusCode expected = HttpStatusCode.OK)
        {
            var get = await Manager.GetAsync("/api/v1/pools/p8");
            await (await Manager.PatchJsonAsync("/api/v1/pools/p8", new { newLeases }, get.Headers.ETag!.ToString())).ExpectAsync(expected);
        }

        await PatchAsync(new { krwPerGpuHour = 5000, minimumLength = "P1M" });
        var stated = await (await Manager.GetAsync("/api/v1/stages/st/plan/capacity")).ExpectAsync(HttpStatusCode.OK);
        var seoul = DateTimeZoneProviders.Tzdb["Asia/Seoul"];
        Assert.True(stated.GetProperty("extraLeaseProvenCheapest").GetBoolean());
        Assert.All(stated.Items("extraLeases"), l =>
        {
            var from = NodaTime.Text.InstantPattern.ExtendedIso.Parse(l.Text("from")).Value.InZone(seoul);
            var to = NodaTime.Text.InstantPattern.ExtendedIso.Parse(l.Text("to")).Value.InZone(seoul);
            Assert.Equal(5000, l.Long("krwPerGpuHour"));
            Assert.Equal((LocalTime.Midnight, LocalTime.Midnight), (from.TimeOfDay, to.TimeOfDay));
            Assert.True(to.Date >= from.Date.PlusMonths(1), $"{from} to {to} is shorter than a month");
        });
        var gpuHours = stated.Items("extraLeases").Sum(l => l.Decimal("gpuHours"));
        Assert.Equal(decimal.Round(gpuHours * 5000, 0, MidpointRounding.AwayFromZero), stated.Long("extraLeaseKrw"));
        var detail = await (await Manager.GetAsync("/api/v1/pools/p8")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("P1M", 5000L), (detail.GetProperty("newLeases").Text("minimumLength"), detail.GetProperty("newLeases").Long("krwPerGpuHour")));

        await PatchAsync(new { minimumLength = "PT5H" }, HttpStatusCode.BadRequest);
        await PatchAsync(new { open = false });
        var closed = await (await Manager.GetAsync("/api/v1/stages/st/plan/capacity")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(closed.Items("extraLeases"));
        Assert.Equal(["ta", "tb"], closed.Items("teamsWithoutCapacity").Select(t => t.GetString()!).Order());
    }

    [Fact]
    public async Task APreview_CommittedWithItsETag_GivesEveryTeamItsEntitlement_WithoutOverCommitting()
    {
        await SetUpAsync(300);
        await (await Programme.AllocateAsync("st", "ta", "p8", 8, "2026-01-15T15:00:00Z", "2026-01-25T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var future = (await (await Programme.AllocateAsync("st", "tb", "p8", 2, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z")).ExpectAsync(HttpStatusCode.Created)).Long("id");

        var preview = await PreviewAsync();
        var plan = await preview.ExpectAsync(HttpStatusCode.OK);
        var etag = preview.Headers.ETag!.ToString();

        Assert.False(plan.GetProperty("hypothetical").GetBoolean());
        Assert.All(plan.Items("participations"), p => Assert.InRange(p.Decimal("totalGpuHours"), 300m * 24 - 1, 300m * 24));
        Assert.Equal(8m * 24 * ((24 * 9) + 9) / 24, plan.Items("participations").Single(p => p.Text("team") == "ta").Decimal("receivedGpuHours"));
        var unallocated = Assert.Single(plan.Items("unallocated"));
        Assert.Equal("p8", unallocated.Text("pool"));
        Assert.True(unallocated.Long("krw") > 0);

        var committed = await (await CommitAsync(plan.Text("planId"), etag)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(plan.Items("allocations").Length, committed.Long("allocationsCreated"));
        Assert.Equal(1, committed.Long("allocationsRemoved"));
        await (await Manager.GetAsync($"/api/v1/allocations/{future}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        var capacity = await (await Manager.GetAsync("/api/v1/pools/p8/capacity?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(capacity.Items("segments"), s => Assert.True(s.Long("allocatedGpus") <= s.Long("leasedGpus")));
        foreach (var team in new[] { "ta", "tb" })
        {
            var quota = Assert.Single((await (await Manager.GetAsync($"/api/v1/teams/{team}/quota")).ExpectAsync(HttpStatusCode.OK)).Items("stages"));
            Assert.InRange(quota.Decimal("stillToAllocateGpuHours"), 0m, 1m);
        }

        await (await CommitAsync(plan.Text("planId"), etag)).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    /// <summary>
    /// Two teams owed 500 GPU-days each where p8 can give them 334.5 each from now: the plan is the largest equal share,
    /// and committing it without accepting the shortfall is 422 naming each team's; accepted with a reason, it commits,
    /// and the equality proof and the audit say so.
    /// </summary>
    [Fact]
    public async Task APlanShortOfTheEntitlement_CommitsOnlyWithAcceptShortfallAndAReason_ShownInTheEqualityProof()
    {
        await SetUpAsync(500);
        var preview = await PreviewAsync();
        var plan = await preview.ExpectAsync(HttpStatusCode.OK);
        var etag = preview.Headers.ETag!.ToString();
        const string reason = "The May lease top-up is not signed yet; the teams were told.";

        var refused = await (await CommitAsync(plan.Text("planId"), etag)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "acceptShortfall");
        await (await CommitAsync(plan.Text("planId"), etag, acceptShortfall: true)).ExpectProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Empty((await (await Manager.GetAsync("/api/v1/allocations")).ExpectAsync(HttpStatusCode.OK)).Items());
        var committed = await (await CommitAsync(plan.Text("planId"), etag, acceptShortfall: true, reason)).ExpectAsync(HttpStatusCode.OK);

        Assert.False(plan.GetProperty("capacity").GetProperty("feasible").GetBoolean());
        var expected = plan.Items("participations").ToDictionary(p => p.Text("team"), p => (500m * 24) - p.Decimal("totalGpuHours"));
        Assert.Equal(expected, refused.Items("shortfalls").ToDictionary(s => s.Text("team"), s => s.Decimal("shortEquivalentGpuHours")));
        Assert.All(expected.Values, v => Assert.True(v > 0));
        Assert.Contains("ta ", refused.Text("detail"), StringComparison.Ordinal);
        Assert.Equal((reason, 2), (committed.Text("shortfallReason"), committed.Items("acceptedShortfalls").Length));
        var proof = await (await Manager.GetAsync("/api/v1/stages/st/equality")).ExpectAsync(HttpStatusCode.OK);
        var accepted = Assert.Single(proof.Items("acceptedShortfalls"));
        Assert.Equal((plan.Text("planId"), reason), (accepted.Text("plan"), accepted.Text("reason")));
        Assert.Equal(expected, accepted.Items("teams").ToDictionary(s => s.Text("team"), s => s.Decimal("shortEquivalentGpuHours")));
        var audit = Assert.Single((await (await Manager.GetAsync("/api/v1/audit?action=plan.commit")).ExpectAsync(HttpStatusCode.OK)).Items());
        Assert.Equal(reason, audit.GetProperty("after").Text("shortfallReason"));
    }

    [Fact]
    public async Task AFeasiblePlan_CommitsWithoutAcceptingAnything_AndTheProofListsNoShortfall()
    {
        await SetUpAsync(300);
        var preview = await PreviewAsync();
        var plan = await preview.ExpectAsync(HttpStatusCode.OK);

        var committed = await (await CommitAsync(plan.Text("planId"), preview.Headers.ETag!.ToString())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((0, JsonValueKind.Null), (committed.Items("acceptedShortfalls").Length, committed.GetProperty("shortfallReason").ValueKind));
        Assert.Empty((await (await Manager.GetAsync("/api/v1/stages/st/equality")).ExpectAsync(HttpStatusCode.OK)).Items("acceptedShortfalls"));
    }

    [Fact]
    public async Task ACommit_IsRefused_WithoutTheETag_OrWhenAnythingChanged()
    {
        await SetUpAsync(300);
        var preview = await PreviewAsync();
        var plan = await preview.ExpectAsync(HttpStatusCode.OK);
        var etag = preview.Headers.ETag!.ToString();

        await (await CommitAsync(plan.Text("planId"), null)).ExpectProblemAsync(HttpStatusCode.PreconditionRequired);
        await (await CommitAsync(plan.Text("planId"), "\"not-this-one\"")).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await CommitAsync("0000000000000000000000000000dead", etag)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await Programme.LeaseAsync("p8", 8, "2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z");
        var before = await App.RowCountsAsync();

        await (await CommitAsync(plan.Text("planId"), etag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);

        Assert.Equal(before, await App.RowCountsAsync());
    }

    [Fact]
    public async Task WhatIf_ALateTeam_AnEliminationOrALease_WritesNothing_AndCannotBeCommitted()
    {
        await SetUpAsync(300);
        var before = await App.RowCountsAsync();

        var late = await PreviewAsync(new { whatIf = new { joins = new[] { new { team = "late", joinDate = "2026-03-01", kind = "rechallenge" } } } });
        var plan = await late.ExpectAsync(HttpStatusCode.OK);
        var withLease = await (await PreviewAsync(new
        {
            whatIf = new
            {
                joins = new[] { new { team = "late", joinDate = "2026-03-01", kind = "rechallenge" } },
                leases = new[] { new { pool = "p8", gpus = 8, start = "2026-02-01T00:00:00Z", end = "2026-07-01T00:00:00Z", krwPerGpuHour = 9000 } },
            },
        })).ExpectAsync(HttpStatusCode.OK);
        var eliminated = await (await PreviewAsync(new
        {
            whatIf = new
            {
                joins = new[] { new { team = "late", joinDate = "2026-03-01", kind = "rechallenge" } },
                eliminations = new[] { new { team = "tb", effectiveAt = "2026-02-01T00:00:00Z" } },
            },
        })).ExpectAsync(HttpStatusCode.OK);

        static decimal MaxShare(System.Text.Json.JsonElement view) => view.GetProperty("capacity").Decimal("maxEqualShareGpuHours");
        Assert.True(plan.GetProperty("hypothetical").GetBoolean());
        Assert.Contains(plan.Items("participations"), p => p.Text("team") == "late" && p.GetProperty("hypothetical").GetBoolean() && p.Decimal("totalGpuHours") >= 300m * 24 - 1);
        Assert.True(MaxShare(withLease) > MaxShare(plan));
        Assert.DoesNotContain(eliminated.Items("participations"), p => p.Text("team") == "tb");
        Assert.True(MaxShare(eliminated) > MaxShare(plan));
        var after = await App.RowCountsAsync();
        Assert.Equal(before.Where(t => t.Key != "plan_preview"), after.Where(t => t.Key != "plan_preview"));
        await (await CommitAsync(plan.Text("planId"), late.Headers.ETag!.ToString())).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "planId");
    }

    [Fact]
    public async Task WholeNodes_PlansInMultiplesOfTheNodeSize()
    {
        await SetUpAsync(250);

        var plan = await (await PreviewAsync(new { wholeNodes = true })).ExpectAsync(HttpStatusCode.OK);

        Assert.NotEmpty(plan.Items("allocations"));
        Assert.All(plan.Items("allocations"), a => Assert.Equal(0, a.Long("gpus") % 8));
    }

    /// <summary>
    /// ta runs on q8, whose lease ends on 2026-02-11 (Seoul), and has scheduler accounts on q8 and p8; tb runs on p8 and
    /// has an account only there. The plan keeps each where it runs, moves ta to p8 only when q8 leases nothing more, says
    /// so, and changes allocations only at Seoul midnights (or every six hours when asked).
    /// </summary>
    [Fact]
    public async Task APlan_KeepsTeamsWhereTheyRun_OnTheirSchedulerAccounts_OnDayBoundaries_AndSaysWhyItMovesThem()
    {
        await SetUpAsync(300);
        await Programme.PoolAsync("q8", to: "2026-02-10T15:00:00Z");
        foreach (var (pool, account, team) in new[] { ("q8", "ta-q", "ta"), ("p8", "ta-p", "ta"), ("p8", "tb-p", "tb") })
        {
            await (await Manager.PutJsonAsync($"/api/v1/pools/{pool}/accounts/{account}", new { team })).ExpectAsync(HttpStatusCode.Created);
        }

        await (await Programme.AllocateAsync("st", "ta", "q8", 8, "2026-01-15T15:00:00Z", "2026-02-10T15:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        await (await Programme.AllocateAsync("st", "tb", "p8", 8, "2026-01-15T15:00:00Z", "2026-03-01T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);

        var plan = await (await PreviewAsync()).ExpectAsync(HttpStatusCode.OK);

        var seoul = DateTimeZoneProviders.Tzdb["Asia/Seoul"];
        static Instant At(string text) => NodaTime.Text.InstantPattern.ExtendedIso.Parse(text).Value;
        Assert.Equal(("P1D", false, true), (plan.Text("granularity"), plan.GetProperty("anyPool").GetBoolean(), plan.GetProperty("provenOptimal").GetBoolean()));
        Assert.All(plan.Items("allocations").SelectMany(a => new[] { a.Text("start"), a.Text("end") }), t => Assert.Equal(LocalTime.Midnight, At(t).InZone(seoul).TimeOfDay));
        Assert.All(plan.Items("allocations").Where(a => a.Text("team") == "tb"), a => Assert.Equal("p8", a.Text("pool")));
        var ta = plan.Items("participations").Single(p => p.Text("team") == "ta");
        var tb = plan.Items("participations").Single(p => p.Text("team") == "tb");
        Assert.Equal(["p8", "q8"], ta.Items("accountPools").Select(p => p.GetString()!));
        Assert.Equal(("q8", 8L), (Assert.Single(ta.Items("runningNow")).Text("pool"), ta.Items("runningNow")[0].Long("gpus")));
        Assert.Equal((1L, 0L), (ta.Long("moves"), tb.Long("moves")));
        var why = Assert.Single(ta.Items("why"));
        Assert.Equal(("p8", "not-leased"), (why.Text("to"), why.Text("reason")));
        Assert.True(At(why.Text("at")) >= At("2026-02-10T15:00:00Z"), $"ta left q8 at {why.Text("at")}, before its lease ended");
        Assert.Equal(["q8"], why.Items("from").Select(p => p.GetString()!));
        Assert.Contains(plan.Items("allocations"), a => a.Text("team") == "ta" && a.Text("pool") == "q8" && a.Text("start") == "2026-02-01T15:00:00Z");
        Assert.All(plan.Items("participations"), p => Assert.True(p.Decimal("totalGpuHours") >= 300m * 24));

        var sixHourly = await (await PreviewAsync(new { granularity = "PT6H", anyPool = true })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("PT6H", true), (sixHourly.Text("granularity"), sixHourly.GetProperty("anyPool").GetBoolean()));
        Assert.All(sixHourly.Items("participations"), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("accountPools").ValueKind));
        Assert.All(sixHourly.Items("allocations").SelectMany(a => new[] { a.Text("start"), a.Text("end") }), t =>
            Assert.Equal((0, 0), (At(t).InZone(seoul).Hour % 6, At(t).InZone(seoul).Minute)));
    }

    [Theory]
    [InlineData("{\"whatIf\":{\"joins\":[{\"team\":\"ta\",\"joinDate\":\"2026-03-01\"}]}}", "whatIf.joins[0].team")]
    [InlineData("{\"whatIf\":{\"joins\":[{\"team\":\"new-team\",\"joinDate\":\"2025-03-01\"}]}}", "whatIf.joins[0].joinDate")]
    [InlineData("{\"whatIf\":{\"leases\":[{\"pool\":\"nowhere\",\"gpus\":8,\"start\":\"2026-02-01T00:00:00Z\",\"end\":\"2026-03-01T00:00:00Z\",\"krwPerGpuHour\":1}]}}", "whatIf.leases[0].pool")]
    [InlineData("{\"whatIf\":{\"eliminations\":[{\"team\":\"nobody\",\"effectiveAt\":\"2026-03-01T00:00:00Z\"}]}}", "whatIf.eliminations[0].team")]
    [InlineData("{\"wholeNodes\":\"yes\"}", "wholeNodes")]
    [InlineData("{\"granularity\":\"PT5H\"}", "granularity")]
    public async Task ABadWhatIf_Is400NamingTheField(string body, string field)
    {
        await SetUpAsync(300);

        await (await Manager.PostRawAsync("/api/v1/stages/st/plan/preview", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Planning_IsForManagers_AndFinanceMayReadTheCapacity()
    {
        await SetUpAsync(300);
        var finance = await App.ClientAsync("finance");
        var team = await App.ClientAsync("team", "ta");

        await (await finance.GetAsync("/api/v1/stages/st/plan/capacity")).ExpectAsync(HttpStatusCode.OK);
        await (await finance.PostJsonAsync("/api/v1/stages/st/plan/preview", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await team.GetAsync("/api/v1/stages/st/plan/capacity")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await Manager.GetAsync("/api/v1/stages/none/plan/capacity")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class PlanningOnSqlite() : PlanningTests(DatabaseKind.Sqlite);

public sealed class PlanningOnSqlServer() : PlanningTests(DatabaseKind.SqlServer);
