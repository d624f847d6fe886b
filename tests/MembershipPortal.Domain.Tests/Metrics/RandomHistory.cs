using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Domain.Tests.Metrics;

/// <summary>Random but reproducible histories: several subscriptions per customer, same-day bursts, zeros and restarts.</summary>
internal static class RandomHistory
{
    private static readonly MrrChangeReason[] Reasons = Enum.GetValues<MrrChangeReason>();

    public static List<SubscriptionMrrChange> Generate(int seed, int customers, int months)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var span = (start.AddMonths(months) - start).TotalMinutes;
        var changes = new List<SubscriptionMrrChange>();
        long sequence = 0;
        for (var c = 0; c < customers; c++)
        {
            var events = random.Next(1, 25);
            for (var e = 0; e < events; e++)
            {
                // A burst lands several changes on one day, to exercise netting.
                var at = start.AddMinutes(random.Next((int)span));
                var burst = random.Next(4) == 0 ? random.Next(2, 5) : 1;
                for (var b = 0; b < burst; b++)
                {
                    var mrr = random.Next(3) == 0 ? 0m : random.Next(1, 500_000) / 100m;
                    changes.Add(new SubscriptionMrrChange($"c{c}", $"s{random.Next(3)}", at.AddMinutes(b * 7 % 600), ++sequence, mrr,
                        Reasons[random.Next(Reasons.Length)]));
                }
            }
        }
        return changes;
    }
}
