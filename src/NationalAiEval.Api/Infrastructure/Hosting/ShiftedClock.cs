using NodaTime;

namespace NationalAiEval.Api.Infrastructure.Hosting;

/// <summary>
/// A clock that starts at a configured instant and then runs in real time (<c>Clock:Now</c>). The demo uses it so
/// that a newcomer lands in the middle of stage 2, with leases running and a late team on its way.
/// </summary>
public sealed class ShiftedClock(IClock inner, Instant startAt) : IClock
{
    private readonly Duration _offset = startAt - inner.GetCurrentInstant();

    public Instant GetCurrentInstant() => inner.GetCurrentInstant() + _offset;
}
