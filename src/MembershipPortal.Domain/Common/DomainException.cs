namespace MembershipPortal.Domain.Common;

/// <summary>A business rule was broken: an illegal transition or invalid input. The message is shown to people.</summary>
public sealed class DomainException(string message) : Exception(message);
