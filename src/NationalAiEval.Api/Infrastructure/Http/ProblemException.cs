using Microsoft.AspNetCore.Mvc;

namespace NationalAiEval.Api.Infrastructure.Http;

/// <summary>
/// A request that cannot be served, carrying the RFC 9457 problem to answer with. Thrown from anywhere inside a
/// request; the write session it crosses rolls back, so a refused request never leaves anything half-written.
/// </summary>
public sealed class ProblemException : Exception
{
    public ProblemException(ProblemDetails problem)
        : base(problem?.Detail ?? problem?.Title)
    {
        Problem = problem ?? throw new ArgumentNullException(nameof(problem));
    }

    public ProblemException()
        : this(new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Unexpected problem" })
    {
    }

    public ProblemException(string message)
        : this(new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = message })
    {
    }

    public ProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = message };
    }

    public ProblemDetails Problem { get; }
}
