using System.Net;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Tests.Billing;

/// <summary>The member's receipt names what was bought (product, plan, period), its discounts, shipping and tax, and every payment and refund, in words.</summary>
public sealed class ReceiptPageTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = fixture.Factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(client, email, "a long member passphrase")).StatusCode);
        return client;
    }

    private static string Text(string html) =>
        WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "), @"\s+", " "));

    [Fact]
    public async Task PartlyRefundedPurchase_NamesProductPlanPeriod_ListsPaymentAndRefund_StatusInWords()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly, firstName: "Receipt");
        Guid paymentId, invoiceId;
        await using (var db = await fixture.Db())
            (paymentId, invoiceId) = await db.Payments.Where(p => p.MemberId == buyer.Id).Select(p => ValueTuple.Create(p.Id, p.InvoiceId)).SingleAsync();
        fixture.Factory.Clock.Advance(TimeSpan.FromDays(2));
        var refund = await fixture.Factory.RunAsAsync(fixture.OwnerActor, new RefundPayment(buyer.Id, paymentId, 450));
        Assert.True(refund.Succeeded, refund.Message);

        using var member = await SignedInAsync(buyer.Email);
        var page = Text(await member.GetStringAsync($"/account/billing/invoices/{invoiceId}"));

        Assert.Contains("Pro Monthly plan ($19.00 / month) · 23 Nov 2026 – 23 Dec 2026", page);
        Assert.DoesNotContain(" Subscription ", page);
        Assert.Contains("Partially refunded", page);
        Assert.DoesNotContain("PartiallyRefunded", page);
        Assert.Contains("23 Nov 2026 Paid · Card ending 4242 $19.00", page);
        Assert.Contains("25 Nov 2026 Refunded · Card ending 4242 −$4.50", page);
        Assert.Contains("Net paid $14.50", page);
        Assert.Contains("Billed to Receipt " + buyer.Email, page);

        var billing = Text(await member.GetStringAsync("/account/billing"));
        Assert.Contains("Partially refunded", billing);
        Assert.DoesNotContain("PartiallyRefunded", billing);
    }

    [Fact]
    public async Task InvoiceWithDiscountShippingAndTax_ShowsEachLineAndTheTotals()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        var invoice = new Invoice
        {
            Number = "INV-TEST-LINES",
            MemberId = buyer.Id,
            SubscriptionId = buyer.SubscriptionId,
            Currency = "USD",
            SubtotalMinor = 3100,
            DiscountMinor = 380,
            TaxMinor = 218,
            TotalMinor = 2938,
            AmountPaidMinor = 2938,
            Status = InvoiceStatus.Paid,
            Reason = "subscription_cycle",
            CreatedAt = fixture.Factory.Clock.GetUtcNow(),
            PaidAt = fixture.Factory.Clock.GetUtcNow(),
            PeriodStart = fixture.Factory.Clock.GetUtcNow(),
            PeriodEnd = fixture.Factory.Clock.GetUtcNow().AddMonths(1),
            Lines =
            [
                new InvoiceLineRecord { Description = "Renewal", ProductId = fixture.Catalog.ProProduct, Quantity = 1, AmountMinor = 1900 },
                new InvoiceLineRecord { Description = "Coupon SPRING: 20% off", Quantity = 1, AmountMinor = -380 },
                new InvoiceLineRecord { Description = "Shipping to United States", Quantity = 1, AmountMinor = 1200 },
            ],
        };
        await using (var db = await fixture.Db())
        {
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync();
        }

        using var member = await SignedInAsync(buyer.Email);
        var page = Text(await member.GetStringAsync($"/account/billing/invoices/{invoice.Id}"));

        Assert.Contains("Pro Monthly plan ($19.00 / month)", page);
        Assert.Contains("Coupon SPRING: 20% off −$3.80", page);
        Assert.Contains("Shipping to United States $12.00", page);
        Assert.Contains("Tax $2.18", page);
        Assert.Contains("Subtotal $31.00 Discounts −$3.80 Tax $2.18 Total $29.38", page);
        Assert.Contains(" Paid ", page);
        Assert.DoesNotContain("Renewal", page);
    }

    [Fact]
    public async Task AnotherMembersReceipt_NotFound()
    {
        var owner = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly);
        var other = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly);
        Guid invoiceId;
        await using (var db = await fixture.Db())
            invoiceId = await db.Invoices.Where(i => i.MemberId == owner.Id).Select(i => i.Id).SingleAsync();
        using var client = await SignedInAsync(other.Email);
        var page = Text(await client.GetStringAsync($"/account/billing/invoices/{invoiceId}"));
        Assert.Contains("Receipt not found.", page);
        Assert.DoesNotContain(owner.Email, page);
    }
}
