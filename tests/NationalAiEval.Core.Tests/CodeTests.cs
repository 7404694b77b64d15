using NationalAiEval.Core.Codes;

namespace NationalAiEval.Core.Tests;

public sealed class CodeTests
{
    [Theory]
    [InlineData("skt-haein-b200", true)]
    [InlineData("upstage", true)]
    [InlineData("stage-2", true)]
    [InlineData("a", false)]
    [InlineData("-leading", false)]
    [InlineData("trailing-", false)]
    [InlineData("Upper", false)]
    [InlineData("with space", false)]
    [InlineData("under_score", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Code_AcceptsOnlyUrlSafeLowerCase(string? code, bool valid) => Assert.Equal(valid, Code.IsValid(code));

    [Fact]
    public void Code_LongerThan64_IsRefused() => Assert.False(Code.IsValid(new string('a', 65)));

    [Theory]
    [InlineData("h100", "H100")]
    [InlineData(" B200 ", "B200")]
    public void GpuModel_IsNormalisedUpperCase(string raw, string normalised) => Assert.Equal(normalised, GpuModel.Normalise(raw));
}
