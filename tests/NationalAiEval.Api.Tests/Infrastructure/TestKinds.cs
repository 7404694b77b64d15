namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>
/// The slow kinds of test, as xunit traits, so that a developer's fast loop can leave them out
/// (<c>dotnet test NationalAiEval.sln --filter "Kind!=process&amp;Kind!=browser&amp;Kind!=property"</c>); CI runs everything.
/// </summary>
public static class TestKinds
{
    public const string Name = "Kind";

    /// <summary>Starts the built service as a process (and kills it).</summary>
    public const string Process = "process";

    /// <summary>Drives the dashboard in headless Chromium.</summary>
    public const string Browser = "browser";

    /// <summary>An FsCheck property that starts the service for every case.</summary>
    public const string Property = "property";
}
