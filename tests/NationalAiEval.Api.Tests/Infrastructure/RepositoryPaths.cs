namespace NationalAiEval.Api.Tests.Infrastructure;

/// <summary>Finds files of the repository (migrations, the committed OpenAPI document, the built service) from the test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string MigrationFolder(string dialect) => Path.Combine(Root, "db", dialect);

    public static string OpenApiDocument => Path.Combine(Root, "api-docs", "openapi.json");

    /// <summary>The service's own build output, in the configuration these tests were built with.</summary>
    public static string ServiceOutputFolder
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            return Path.Combine(Root, "src", "NationalAiEval.Api", "bin", configuration, "net10.0");
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NationalAiEval.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with NationalAiEval.sln) was not found above " + AppContext.BaseDirectory);
    }
}
