using System.Diagnostics;
using System.Net.Http.Headers;

namespace NationalAiEval.Benchmarks;

/// <summary>
/// A closed-loop load client: <c>connections</c> workers, each on its own connection, sending one request after
/// another for a fixed time after a warm-up, and recording every latency.
/// </summary>
public static class LoadClient
{
    public sealed record Outcome(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Failures);

    public static async Task<Outcome> RunAsync(
        Uri address, int connections, TimeSpan warmUp, TimeSpan duration, Func<int, (string Path, string? Secret)> requestOf)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromHours(1) };
        using var client = new HttpClient(handler) { BaseAddress = address };
        var measuring = false;
        var stop = false;
        var latencies = new List<long>[connections];
        var failures = 0L;
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<long>(100_000);
            var (path, secret) = requestOf(worker);
            while (!Volatile.Read(ref stop))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                if (secret is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                }

                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                _ = await response.Content.ReadAsByteArrayAsync();
                var elapsed = Stopwatch.GetTimestamp() - started;
                if (Volatile.Read(ref measuring))
                {
                    mine.Add(elapsed);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })).ToList();
        await Task.Delay(warmUp);
        Volatile.Write(ref measuring, true);
        var watch = Stopwatch.StartNew();
        await Task.Delay(duration);
        Volatile.Write(ref measuring, false);
        var seconds = watch.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        return new Outcome(all.Length / seconds, Percentile(0.50), Percentile(0.99), all.Length, failures);
    }
}
