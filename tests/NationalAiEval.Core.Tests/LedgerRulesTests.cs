using FsCheck;
using FsCheck.Fluent;
using NationalAiEval.Core.Equality;
using NationalAiEval.Core.Ledger;
using NationalAiEval.Core.Units;

namespace NationalAiEval.Core.Tests;

public sealed class LedgerRulesTests
{
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property AdmissionGrants_AreTheStageTerms_WhateverTheParticipation() =>
        Prop.ForAll(
            Gen.Choose(1, 1_000_000).ToArbitrary(),
            Gen.Choose(1, 1_000_000).Select(egh => GpuTime.MilliEghSecondsFromEgh(egh)).ToArbitrary(),
            Gen.Choose(0, 1_000_000).Select(k => k * 1000L).ToArbitrary(),
            (participationId, entitlement, dataGrant) =>
            {
                var grants = LedgerRules.AdmissionGrants(participationId, entitlement, dataGrant);
                return grants.Single(g => g.Resource == LedgerResource.Gpu).Amount == entitlement
                    && grants.Single(g => g.Resource == LedgerResource.Data).Amount == dataGrant
                    && grants.All(g => g.Kind == LedgerKind.Grant)
                    && grants.Select(g => g.Source).Distinct().Count() == 2;
            });

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public FsCheck.Property ClosingForfeits_LeaveBothBalancesAtExactlyZero() =>
        Prop.ForAll(
            Gen.Choose(-1_000_000, 1_000_000).Select(x => x * 3_600_000L).ArrayOf().ToArbitrary(),
            Gen.Choose(0, 1_000_000).Select(x => x * 1000L).ArrayOf().ToArbitrary(),
            (gpuEntries, dataEntries) =>
            {
                var forfeits = LedgerRules.ClosingForfeits(7, "elimination", LedgerRules.Balance(gpuEntries), LedgerRules.Balance(dataEntries));
                var gpu = LedgerRules.Balance(gpuEntries.Append(forfeits.Single(f => f.Resource == LedgerResource.Gpu).Amount));
                var data = LedgerRules.Balance(dataEntries.Append(forfeits.Single(f => f.Resource == LedgerResource.Data).Amount));
                return gpu == 0 && data == 0 && forfeits.All(f => f.Kind == LedgerKind.Forfeit);
            });

    [Fact]
    public void Sources_DifferBetweenEliminationAndWithdrawal_AndBetweenParticipations()
    {
        var sources = new[]
        {
            LedgerRules.ClosingForfeits(1, "elimination", 5, 5),
            LedgerRules.ClosingForfeits(1, "withdrawal", 5, 5),
            LedgerRules.ClosingForfeits(2, "elimination", 5, 5),
            LedgerRules.AdmissionGrants(1, 5, 5),
        }.SelectMany(p => p).Select(p => p.Source).ToList();

        Assert.Equal(sources.Count, sources.Distinct().Count());
    }

    [Fact]
    public void Balance_Overflow_FailsLoudly() =>
        Assert.Throws<OverflowException>(() => LedgerRules.Balance([long.MaxValue, 1]));

    [Fact]
    public void EqualityProof_AllGrantedTheSame_IsEqual()
    {
        var verdict = EqualityProof.Evaluate(100, 50, 200,
            [new GrantedTerms("a", 100, 50, 200), new GrantedTerms("b", 100, 50, 200), new GrantedTerms("late", 100, 50, 200)]);

        Assert.True(verdict.AllEqual);
        Assert.Empty(verdict.Discrepancies);
    }

    [Fact]
    public void EqualityProof_OneShortGrant_OrOneShortWindow_IsNamed()
    {
        var verdict = EqualityProof.Evaluate(100, 50, 200,
            [new GrantedTerms("a", 100, 50, 200), new GrantedTerms("late", 99, 50, 199)]);

        Assert.False(verdict.AllEqual);
        Assert.False(verdict.EntitlementsEqual);
        Assert.True(verdict.DataGrantsEqual);
        Assert.False(verdict.DurationsEqual);
        Assert.All(verdict.Discrepancies, d => Assert.StartsWith("late:", d));
        Assert.Equal(2, verdict.Discrepancies.Count);
    }
}
