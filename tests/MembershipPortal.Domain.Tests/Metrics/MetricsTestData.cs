using System.Globalization;
using MembershipPortal.Domain.Metrics;

namespace MembershipPortal.Domain.Tests.Metrics;

/// <summary>Short-hand for building histories in tests.</summary>
internal sealed class History
{
    private long sequence;
    public List<SubscriptionMrrChange> Changes { get; } = [];

    public History Set(string customer, string subscription, string at, decimal mrr, MrrChangeReason reason = MrrChangeReason.Other)
    {
        Changes.Add(new SubscriptionMrrChange(customer, subscription, At(at), ++sequence, mrr, reason));
        return this;
    }

    public MrrEngine Engine() => MrrEngine.Build(Changes);

    public static DateTimeOffset At(string text) =>
        DateTimeOffset.Parse(text.Length == 10 ? text + "T12:00:00Z" : text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static DateOnly Day(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    public static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);
}
