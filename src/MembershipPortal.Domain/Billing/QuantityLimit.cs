using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Billing;

/// <summary>
/// How many of an item a member may choose, at checkout or later: 1 to 10. The ledger itself accepts any positive
/// quantity (<see cref="SubscriptionItem"/>), since the billing engine may have sold more than the portal offers.
/// </summary>
public static class QuantityLimit
{
    public const int Min = 1;
    public const int Max = 10;

    public static string Message => $"Choose a quantity between {Min} and {Max}.";

    public static bool Allows(int quantity) => quantity is >= Min and <= Max;

    public static void Ensure(int quantity)
    {
        if (!Allows(quantity))
            throw new DomainException(Message);
    }
}
