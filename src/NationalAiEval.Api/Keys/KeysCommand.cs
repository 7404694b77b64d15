using NationalAiEval.Api.Auth;
using NationalAiEval.Api.Infrastructure.Database;
using NationalAiEval.Api.Infrastructure.Http;

namespace NationalAiEval.Api.Keys;

/// <summary>
/// <c>keys create --role manager --name NAME [--team CODE] [--pool CODE ...]</c>: the way to the first manager key.
/// It migrates the configured database, creates the key and prints its secret alone on the last line, so that a
/// script can take it with <c>tail -n 1</c>.
/// </summary>
public static class KeysCommand
{
    public const string Usage = "usage: keys create --role manager|finance|team|provider --name NAME [--team CODE] [--pool CODE]...";

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == "keys";

    /// <summary>Splits <paramref name="args"/> into this verb's options and the rest (configuration such as --Database:Provider=...).</summary>
    public static (Dictionary<string, List<string>> Options, string[] Configuration) Split(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rest = new List<string>();
        string[] verbOptions = ["--role", "--name", "--team", "--pool"];
        for (var i = 2; i < args.Length; i++)
        {
            if (verbOptions.Contains(args[i]) && i + 1 < args.Length)
            {
                if (!options.TryGetValue(args[i], out var values))
                {
                    options[args[i]] = values = [];
                }

                values.Add(args[++i]);
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (options, rest.ToArray());
    }

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length < 2 || args[1] != "create")
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var (options, _) = Split(args);
        string? One(string name) => options.TryGetValue(name, out var values) ? values[^1] : null;
        if (One("--role") is not { } roleText || !EnumText.TryParse<Role>(roleText, out var role) || One("--name") is not { } name)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        services.GetRequiredService<Migrator>().Migrate();
        try
        {
            var request = new CreateKeyRequest(name, role, One("--team"), options.TryGetValue("--pool", out var pools) ? pools : null);
            var created = await services.GetRequiredService<ApiKeys>().CreateAsync(request, Caller.System("command line"), CancellationToken.None);
            await output.WriteLineAsync($"Created {created.Key.Role.ToString().ToLowerInvariant()} key '{created.Key.Name}' (id {created.Key.Id}). The secret is shown once:");
            await output.WriteLineAsync(created.Secret);
            return 0;
        }
        catch (ProblemException problem)
        {
            await error.WriteLineAsync($"{problem.Problem.Title} {problem.Problem.Detail}");
            return 1;
        }
    }
}
