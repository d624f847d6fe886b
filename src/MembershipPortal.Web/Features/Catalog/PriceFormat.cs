using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;

namespace MembershipPortal.Web.Features.Catalog;

/// <summary>How prices read on the site: "$9", "$12.50", "per month", "every 3 months", "7-day free trial".</summary>
public static class PriceFormat
{
    /// <summary>The amount without ".00" when it is whole: price cards read "$9", not "$9.00".</summary>
    public static string Amount(Money money)
    {
        var text = money.Display();
        var decimals = Money.Decimals(money.Currency);
        return decimals > 0 && money.ToDecimal() % 1 == 0 ? text.Replace("." + new string('0', decimals), "", StringComparison.Ordinal) : text;
    }

    /// <summary>"per month", "every 3 months", "per year", "every 2 weeks".</summary>
    public static string Cadence(PriceTerms terms)
    {
        var unit = terms.Interval.ToString().ToLowerInvariant();
        return terms.IntervalCount == 1 ? $"per {unit}" : $"every {terms.IntervalCount} {unit}s";
    }

    /// <summary>"/mo", "/yr", "/3 mo" for the big number on a card.</summary>
    public static string ShortCadence(PriceTerms terms)
    {
        var unit = terms.Interval switch { BillingInterval.Day => "day", BillingInterval.Week => "wk", BillingInterval.Month => "mo", _ => "yr" };
        return terms.IntervalCount == 1 ? $"/{unit}" : $"/{terms.IntervalCount} {unit}";
    }

    /// <summary>"Billed monthly", "Billed yearly", "Billed every 3 months".</summary>
    public static string Billed(PriceTerms terms) => terms.IntervalCount == 1
        ? "Billed " + terms.Interval switch { BillingInterval.Day => "daily", BillingInterval.Week => "weekly", BillingInterval.Month => "monthly", _ => "yearly" }
        : $"Billed every {terms.IntervalCount} {terms.Interval.ToString().ToLowerInvariant()}s";

    /// <summary>The price spread over a month, to the cent: $190 a year is "$15.83".</summary>
    public static string PerMonth(PriceTerms terms) =>
        new Money((long)Math.Round(terms.MonthlyEquivalent(), MidpointRounding.AwayFromZero), terms.Currency).Display();

    /// <summary>Cadence, or "one-time" for a one-time add-on (its stored cadence is not used).</summary>
    public static string Cadence(PriceTerms terms, AddOnBilling? billing) => billing == AddOnBilling.OneTime ? "one-time" : Cadence(terms);

    /// <summary>The price's small print: trial and setup fee, or an empty string.</summary>
    public static string Extras(PriceTerms terms)
    {
        var parts = new List<string>(2);
        if (terms.HasTrial)
            parts.Add($"{terms.TrialDays}-day free trial");
        if (terms.SetupFee is { } fee)
            parts.Add($"{Amount(fee)} one-time setup fee");
        return string.Join(" · ", parts);
    }

    /// <summary>A whole line for lists and the admin: "$19 per month · 7-day free trial".</summary>
    public static string Describe(PriceTerms terms, AddOnBilling? billing = null)
    {
        var extras = billing == AddOnBilling.OneTime ? "" : Extras(terms);
        var line = $"{Amount(terms.Amount)} {Cadence(terms, billing)}";
        return extras.Length > 0 ? $"{line} · {extras}" : line;
    }
}
