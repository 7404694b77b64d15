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

    /// <summary>A pattern ending in <c>$</c> also matches before a final line feed; every grammar here ends at the true end.</summary>
    [Fact]
    public void EveryGrammar_RefusesATrailingNewline()
    {
        Assert.False(Code.IsValid("evil\n"));
        Assert.False(GpuModel.IsValid("B200\n"));
        Assert.False(SchedulerAccount.IsValid("lgai\n"));
        Assert.False(SlurmNames.IsCluster("haein\n"));
        Assert.False(SlurmNames.IsJobId("123\n"));
        Assert.True(Code.IsValid("evil") && GpuModel.IsValid("B200") && SchedulerAccount.IsValid("lgai") && SlurmNames.IsCluster("haein") && SlurmNames.IsJobId("123"));
    }

    [Theory]
    [InlineData("123", true)]
    [InlineData("123_4", true)]
    [InlineData("123_[1-5%2]", true)]
    [InlineData("123+1", true)]
    [InlineData("123.batch", true)]
    [InlineData("123_4.0", true)]
    [InlineData("123+1.extern", true)]
    [InlineData("12\u00003", false)]
    [InlineData("123 ", false)]
    [InlineData("abc", false)]
    [InlineData("", false)]
    public void SlurmJobIds_FollowSacctsGrammar(string id, bool valid) => Assert.Equal(valid, SlurmNames.IsJobId(id));

    [Theory]
    [InlineData("Upstage", true, true)]
    [InlineData("업스테이지", true, true)]
    [InlineData("two\nlines", false, true)]
    [InlineData("tab\there", false, true)]
    [InlineData("nul\u0000", false, false)]
    [InlineData("esc\u001b[31m", false, false)]
    [InlineData("cr\r", false, false)]
    [InlineData("del\u007f", false, false)]
    [InlineData("rlo\u202Eeulav", false, false)]
    [InlineData("isolate\u2066x\u2069", false, false)]
    [InlineData("mark\u200F", false, false)]
    public void PlainText_RefusesControlAndBidiCharacters(string text, bool oneLine, bool multiLine)
    {
        Assert.Equal(oneLine, PlainText.IsClean(text));
        Assert.Equal(multiLine, PlainText.IsClean(text, allowLineBreaks: true));
    }

    [Theory]
    [InlineData("h100", "H100")]
    [InlineData(" B200 ", "B200")]
    public void GpuModel_IsNormalisedUpperCase(string raw, string normalised) => Assert.Equal(normalised, GpuModel.Normalise(raw));
}
