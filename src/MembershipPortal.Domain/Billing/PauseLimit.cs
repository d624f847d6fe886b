using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// How long a member may pause: 1 to 3 periods, months for a subscription and cycles (boxes) for a box.
/// </summary>
public static class PauseLimit
{
    public const int Min = 1;
    public const int Max = 3;

    /// <summary>"A pause lasts 1 to 3 <paramref name="unit"/>.", with the unit the member chose in (months, boxes ...).</summary>
    public static string Message(string unit) => $"A pause lasts {Min} to {Max} {unit}.";

    public static bool Allows(int periods) => periods is >= Min and <= Max;

    public static void Ensure(int periods, string unit)
    {
        if (!Allows(periods))
            throw new DomainException(Message(unit));
    }

    /// <summary>The lengths to offer, shortest first.</summary>
    public static IReadOnlyList<int> Choices { get; } = Enumerable.Range(Min, Max - Min + 1).ToArray();
}
