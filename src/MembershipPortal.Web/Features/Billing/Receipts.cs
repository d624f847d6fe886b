using System.Globalization;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

public enum ReceiptLineKind { Item, Discount, Shipping, Tax }

/// <summary>One line as a person reads it: what was bought (product), the plan and period in <see cref="Detail"/>.</summary>
public sealed record ReceiptLine(ReceiptLineKind Kind, string Title, string? Detail, int Quantity, Money Amount);

/// <summary>A payment or a refund of the invoice: when, how much, which card.</summary>
public sealed record ReceiptMovement(DateTimeOffset At, Money Amount, string? CardLast4)
{
    public string CardText => CardLast4 is { Length: > 0 } last4 ? $"Card ending {last4}" : "Card";
}

/// <summary>Everything a receipt shows, on the page and in the PDF: one model, so both say the same.</summary>
public sealed record ReceiptDocument(
    Guid Id, string Number, DateTimeOffset IssuedAt, InvoiceStatus Status, string Reason,
    Seller Seller, string MemberName, string MemberEmail, IReadOnlyList<string> BillingAddress,
    IReadOnlyList<ReceiptLine> Lines, Money Subtotal, Money Discount, Money Tax, Money Total,
    IReadOnlyList<ReceiptMovement> Payments, IReadOnlyList<ReceiptMovement> Refunds,
    DateTimeOffset? PeriodStart, DateTimeOffset? PeriodEnd)
{
    public string StatusText => Receipts.StatusText(Status);
    public Money Paid => Payments.Aggregate(Money.Zero(Total.Currency), (sum, p) => sum + p.Amount);
    public Money Refunded => Refunds.Aggregate(Money.Zero(Total.Currency), (sum, p) => sum + p.Amount);
    /// <summary>"Receipt" once paid, "Invoice" while something is still due.</summary>
    public string Kind => Status is InvoiceStatus.Open or InvoiceStatus.Failed ? "Invoice" : "Receipt";
}

/// <summary>
/// Builds receipts from the ledger. Stored lines carry the product id and a short description ("Subscription",
/// "Renewal", "Coupon …"); a receipt names the product, the plan and the period instead, read from the catalog and the
/// subscription. A member reads only their own; Owner and Staff read a member's from the member page (the endpoint checks the role).
/// </summary>
public sealed class Receipts(IDbContextFactory<AppDbContext> dbFactory, SellerDetails seller, NoticeRenderer renderer)
{
    /// <summary>Descriptions that only say "a subscription": the receipt names the product and plan instead.</summary>
    private static readonly HashSet<string> Generic = new(StringComparer.OrdinalIgnoreCase) { "Subscription", "Subscription (after trial)", "Renewal" };

    /// <summary>An amount with a true minus sign for discounts and refunds ("−$3.80").</summary>
    public static string Signed(Money amount) => amount.Minor < 0 ? "−" + new Money(-amount.Minor, amount.Currency).Display() : amount.Display();

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>An invoice status as the member reads it ("Partially refunded"); the words live in <see cref="Words"/>.</summary>
    public static string StatusText(InvoiceStatus status) => Words.Of(status);

    public static string PlanText(PriceTerms terms) => (terms.Interval, terms.IntervalCount) switch
    {
        (BillingInterval.Month, 1) => "Monthly plan",
        (BillingInterval.Month, 3) => "Quarterly plan",
        (BillingInterval.Year, 1) => "Yearly plan",
        (BillingInterval.Week, 1) => "Weekly plan",
        (BillingInterval.Day, 1) => "Daily plan",
        var (interval, count) => $"Plan billed every {Words.Count(count, interval.ToString().ToLowerInvariant())}",
    } + $" ({Describe.Price(terms)})";

    /// <summary>One of <paramref name="memberId"/>'s invoices; an invoice of another member finds nothing.</summary>
    public async Task<ReceiptDocument?> ForMemberAsync(string memberId, Guid invoiceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invoiceId && i.MemberId == memberId, ct);
        if (invoice is null)
            return null;
        var productIds = invoice.Lines.Select(l => l.ProductId).OfType<Guid>().Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var sub = invoice.SubscriptionId is { } sid
            ? await db.Subscriptions.AsNoTracking().Include(s => s.Items).FirstOrDefaultAsync(s => s.Id == sid, ct)
            : null;
        var payments = await db.Payments.AsNoTracking().Where(p => p.InvoiceId == invoice.Id && p.Outcome != PaymentOutcome.Failed).ToListAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == invoice.MemberId).Select(u => new { u.Email, u.FirstName, u.LastName }).FirstOrDefaultAsync(ct);
        var address = await BillingAddressAsync(db, invoice, ct);
        return new ReceiptDocument(invoice.Id, invoice.DisplayNumber, invoice.PaidAt ?? invoice.CreatedAt, invoice.Status, Words.Of(invoice.Reason),
            await seller.GetAsync(renderer.BusinessName, ct),
            $"{user?.FirstName} {user?.LastName}".Trim(), user?.Email ?? "", address,
            Lines(invoice, products, sub),
            new Money(invoice.SubtotalMinor, invoice.Currency), new Money(invoice.DiscountMinor, invoice.Currency),
            new Money(invoice.TaxMinor, invoice.Currency), new Money(invoice.TotalMinor, invoice.Currency),
            [.. payments.Where(p => p.Outcome == PaymentOutcome.Succeeded).OrderBy(p => p.At).Select(p => new ReceiptMovement(p.At, new Money(p.AmountMinor, p.Currency), p.CardLast4))],
            [.. payments.Where(p => p.Outcome == PaymentOutcome.Refunded).OrderBy(p => p.At).Select(p => new ReceiptMovement(p.At, new Money(-p.AmountMinor, p.Currency), p.CardLast4))],
            invoice.PeriodStart, invoice.PeriodEnd);
    }

    /// <summary>The lines as a person reads them; tax (Stripe's) as a line of its own.</summary>
    public static IReadOnlyList<ReceiptLine> Lines(Invoice invoice, IReadOnlyDictionary<Guid, string> products, Subscription? sub)
    {
        string? period = invoice.PeriodStart is { } from && invoice.PeriodEnd is { } to ? $"{Date(from)} – {Date(to)}" : null;
        var lines = new List<ReceiptLine>();
        foreach (var line in invoice.Lines)
        {
            var amount = new Money(line.AmountMinor, invoice.Currency);
            var description = line.Description.Trim();
            if (line.AmountMinor < 0 || description.StartsWith("Coupon", StringComparison.OrdinalIgnoreCase) || description.StartsWith("Save offer", StringComparison.OrdinalIgnoreCase))
            {
                var product = line.ProductId is { } pid && products.TryGetValue(pid, out var on) ? $"On {on}" : null;
                lines.Add(new ReceiptLine(ReceiptLineKind.Discount, description, product, 1, amount));
                continue;
            }
            if (description.StartsWith("Shipping", StringComparison.OrdinalIgnoreCase))
            {
                lines.Add(new ReceiptLine(ReceiptLineKind.Shipping, description, null, line.Quantity, amount));
                continue;
            }
            if (line.ProductId is { } id && products.TryGetValue(id, out var name))
            {
                var terms = sub?.Items.FirstOrDefault(i => i.ProductId == id)?.Terms;
                if (Generic.Contains(description))
                {
                    var detail = string.Join(" · ", new[] { terms is null ? null : PlanText(terms), period, description.EndsWith("(after trial)", StringComparison.Ordinal) ? "after the free trial" : null }.OfType<string>());
                    lines.Add(new ReceiptLine(ReceiptLineKind.Item, name, detail.Length > 0 ? detail : null, line.Quantity, amount));
                }
                else
                {
                    var title = description.Contains(name, StringComparison.OrdinalIgnoreCase) ? description : $"{name}: {description}";
                    lines.Add(new ReceiptLine(ReceiptLineKind.Item, title, null, line.Quantity, amount));
                }
                continue;
            }
            lines.Add(new ReceiptLine(ReceiptLineKind.Item, description, Generic.Contains(description) ? period : null, line.Quantity, amount));
        }
        if (invoice.TaxMinor != 0)
            lines.Add(new ReceiptLine(ReceiptLineKind.Tax, "Tax", null, 1, new Money(invoice.TaxMinor, invoice.Currency)));
        return lines;
    }

    /// <summary>
    /// The address the member gave for this purchase (a box's shipping address), else their first address-book entry;
    /// none when they never gave one (a digital membership paid by card asks for none).
    /// </summary>
    private static async Task<IReadOnlyList<string>> BillingAddressAsync(AppDbContext db, Invoice invoice, CancellationToken ct)
    {
        ShippingAddress? address = null;
        if (invoice.SubscriptionId is { } sid)
            address = await db.SubscriptionRecords.AsNoTracking().Where(r => r.SubscriptionId == sid).Select(r => r.ShippingAddress).FirstOrDefaultAsync(ct);
        if (address is null && await db.MemberAddresses.AsNoTracking().Where(a => a.MemberId == invoice.MemberId).OrderBy(a => a.CreatedAt).FirstOrDefaultAsync(ct) is { } book)
            address = new ShippingAddress { Name = book.Name, Line1 = book.Line1, Line2 = book.Line2, City = book.City, Region = book.Region, PostalCode = book.PostalCode, Country = book.Country };
        if (address is null)
            return [];
        return [.. new[]
        {
            address.Name, address.Line1, address.Line2,
            string.Join(" ", new[] { address.City, address.Region, address.PostalCode }.Where(p => !string.IsNullOrWhiteSpace(p))),
            Domain.Shipping.AddressRules.CountryName(address.Country),
        }.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l!)];
    }
}
