namespace MembershipPortal.Web.Features.Shared.UseCases;

/// <summary>
/// What every state-changing use case returns: whether it happened, and the sentence the person who asked reads
/// (what changed, or why nothing did). A refused or failed use case has changed nothing.
/// </summary>
public sealed record Outcome(bool Succeeded, string Message)
{
    /// <summary>The id of what a successful use case created or changed, when it has one (a new course, a new product).</summary>
    public Guid? Id { get; init; }

    public static Outcome Ok(string message) => new(true, message);
    public static Outcome Fail(string message) => new(false, message);
}

/// <summary>
/// Thrown inside a use case to stop it with a message for the person (like a <see cref="Domain.Common.DomainException"/>
/// from a rule): the runner rolls the unit of work back and returns <see cref="Outcome.Fail"/>.
/// </summary>
public sealed class UseCaseRefused(string message) : Exception(message);
