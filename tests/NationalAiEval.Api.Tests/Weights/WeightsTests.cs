using System.Net;
using NationalAiEval.Api.Tests.Infrastructure;

namespace NationalAiEval.Api.Tests.Weights;

public abstract class WeightsTests(DatabaseKind kind) : ApiTest(kind)
{
    [Fact]
    public async Task Defaults_AreTheProgrammesPublishedConversion()
    {
        var weights = await (await Manager.GetAsync("/api/v1/weights")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("B200", weights.Text("referenceModel"));
        var inForce = weights.Items("inForce").ToDictionary(w => w.Text("gpuModel"), w => w.Long("perMille"));
        Assert.Equal(new Dictionary<string, long> { ["B200"] = 1000, ["H100"] = 500, ["H200"] = 600 }, inForce);
    }

    [Fact]
    public async Task AnyKey_MayReadWeights()
    {
        await Programme.TeamAsync("ta");
        var team = await App.ClientAsync("team", "ta");

        await (await team.GetAsync("/api/v1/weights")).ExpectAsync(HttpStatusCode.OK);
        await (await team.PutJsonAsync("/api/v1/weights", new { effectiveFrom = "2026-02-01", weights = new { H200 = 650 } })).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task NewWeight_FromAFutureDate_ChangesOnlyWhatComesAfterIt()
    {
        // Now is 2026-01-10; the new H100 weight is in force from 2026-03-01 00:00 Seoul (2026-02-28T15:00Z).
        await Programme.PoolAsync("h100", model: "H100");
        await Programme.StageAsync("st");
        await Programme.TeamAsync("ta");
        await (await Programme.AdmitAsync("st", "ta")).ExpectAsync(HttpStatusCode.Created);
        await (await Manager.PutJsonAsync("/api/v1/weights", new { effectiveFrom = "2026-03-01", weights = new { h100 = 600 } })).ExpectAsync(HttpStatusCode.OK);

        var before = await (await Programme.AllocateAsync("st", "ta", "h100", 4, "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z")).ExpectAsync(HttpStatusCode.Created);
        var across = await (await Programme.AllocateAsync("st", "ta", "h100", 4, "2026-02-28T14:00:00Z", "2026-02-28T16:00:00Z")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal((96m, 48m), (before.Decimal("rawGpuHours"), before.Decimal("equivalentGpuHours")));
        Assert.Equal(8m, across.Decimal("rawGpuHours"));
        Assert.Equal((4 * 0.5m) + (4 * 0.6m), across.Decimal("equivalentGpuHours"));
    }

    [Fact]
    public async Task Weight_InThePast_Is422_AndNothingChanges()
    {
        var response = await Manager.PutJsonAsync("/api/v1/weights", new { effectiveFrom = "2026-01-09", weights = new { H200 = 650 } });

        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "effectiveFrom");
        var weights = await (await Manager.GetAsync("/api/v1/weights")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, weights.Items("versions").Length);
    }

    [Theory]
    [InlineData("{\"effectiveFrom\":\"2026-02-01\",\"weights\":{\"B200\":900}}", "weights.B200")]
    [InlineData("{\"effectiveFrom\":\"2026-02-01\",\"weights\":{\"H200\":0}}", "weights.H200")]
    [InlineData("{\"effectiveFrom\":\"2026-02-01\",\"weights\":{}}", "weights")]
    [InlineData("{\"weights\":{\"H200\":600}}", "effectiveFrom")]
    [InlineData("{\"effectiveFrom\":\"2026-02-01\",\"weights\":{\"H200\":\"high\"}}", "weights.H200")]
    public async Task BadWeights_Are400NamingTheField(string body, string field)
    {
        var response = await Manager.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/weights")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }
}

public sealed class WeightsOnSqlite() : WeightsTests(DatabaseKind.Sqlite);

public sealed class WeightsOnSqlServer() : WeightsTests(DatabaseKind.SqlServer);
