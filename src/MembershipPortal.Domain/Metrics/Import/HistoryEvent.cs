using System.Globalization;
using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Domain.Metrics.Import;

/// <summary>The events of METRICS.md §5.</summary>
public enum HistoryEventType
{
    TrialStart,
    Start,
    Change,
    PastDue,
    Unpaid,
    Recover,
    Pause,
    Resume,
    Cancel,
}

public static class HistoryEventTypes
{
    private static readonly Dictionary<string, HistoryEventType> ByName = new(StringComparer.Ordinal)
    {
        ["trial_start"] = HistoryEventType.TrialStart,
        ["start"] = HistoryEventType.Start,
        ["change"] = HistoryEventType.Change,
        ["past_due"] = HistoryEventType.PastDue,
        ["unpaid"] = HistoryEventType.Unpaid,
        ["recover"] = HistoryEventType.Recover,
        ["pause"] = HistoryEventType.Pause,
        ["resume"] = HistoryEventType.Resume,
        ["cancel"] = HistoryEventType.Cancel,
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParse(string text, out HistoryEventType type) => ByName.TryGetValue(text, out type);

    public static string ToName(this HistoryEventType type) => type switch
    {
        HistoryEventType.TrialStart => "trial_start",
        HistoryEventType.Start => "start",
        HistoryEventType.Change => "change",
        HistoryEventType.PastDue => "past_due",
        HistoryEventType.Unpaid => "unpaid",
        HistoryEventType.Recover => "recover",
        HistoryEventType.Pause => "pause",
        HistoryEventType.Resume => "resume",
        HistoryEventType.Cancel => "cancel",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a history event."),
    };

    /// <summary>trial_start, start and change carry the item columns; the others leave them empty.</summary>
    public static bool CarriesItem(this HistoryEventType type) =>
        type is HistoryEventType.TrialStart or HistoryEventType.Start or HistoryEventType.Change;
}

/// <summary>The one item of an imported subscription (METRICS.md §5: one item per subscription id).</summary>
public sealed record HistoryItem(
    string ProductCode,
    string PlanCode,
    long UnitAmountMinor,
    string Currency,
    BillingInterval Interval,
    int IntervalCount,
    int Quantity,
    decimal DiscountPercent)
{
    /// <summary>§1's item MRR, before the status rule of §2.</summary>
    public decimal Mrr => MrrMath.ItemMrr(UnitAmountMinor, Quantity, DiscountPercent, Interval, IntervalCount);

    /// <summary>Same plan and price, possibly another quantity or discount.</summary>
    public bool SamePlanAs(HistoryItem other) =>
        ProductCode == other.ProductCode && PlanCode == other.PlanCode && UnitAmountMinor == other.UnitAmountMinor
        && Interval == other.Interval && IntervalCount == other.IntervalCount;

    /// <summary>"gold/gold-yearly 200000 USD every year × 4": labels the item's changes in drill-downs.</summary>
    public string Describe() => string.Concat(
        ProductCode, "/", PlanCode, " ", UnitAmountMinor.ToString(CultureInfo.InvariantCulture), " ", Currency, " every ",
        IntervalCount == 1 ? IntervalNames[(int)Interval] : IntervalCount.ToString(CultureInfo.InvariantCulture) + " " + IntervalNames[(int)Interval] + "s",
        " × ", Quantity.ToString(CultureInfo.InvariantCulture),
        DiscountPercent == 0 ? "" : " less " + DiscountPercent.ToString(CultureInfo.InvariantCulture) + "%");

    private static readonly string[] IntervalNames = ["day", "week", "month", "year"];
}

/// <summary>
/// One row of an import file, parsed. <see cref="Line"/> is the row's line in the file being imported (0 for events
/// imported before); <see cref="Sequence"/> orders events at the same instant (file order).
/// </summary>
public sealed record HistoryEvent(
    int Line,
    long Sequence,
    DateTimeOffset OccurredAt,
    string CustomerId,
    string CustomerEmail,
    string SubscriptionId,
    HistoryEventType Type,
    HistoryItem? Item)
{
    /// <summary>
    /// What makes two rows the same event, for idempotent imports: everything but the file position and the e-mail
    /// address (a later export may carry a changed address for the same event).
    /// </summary>
    public string CanonicalText()
    {
        var item = Item is { } i
            ? string.Create(CultureInfo.InvariantCulture,
                $"{i.ProductCode}|{i.PlanCode}|{i.UnitAmountMinor}|{i.Currency}|{i.Interval}|{i.IntervalCount}|{i.Quantity}|{i.DiscountPercent.ToString("0.############", CultureInfo.InvariantCulture)}")
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{OccurredAt.UtcTicks}|{CustomerId}|{SubscriptionId}|{Type.ToName()}|{item}");
    }
}

/// <summary>A row that cannot be imported: its line in the file and why.</summary>
public sealed record ImportProblem(int Line, string Reason)
{
    public override string ToString() => Line > 0 ? $"line {Line}: {Reason}" : Reason;
}
