using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// One refund notice per refund, whichever path records it: the Owner's refund in the portal (Stripe's charge.refunded
/// for it follows), or a refund made in Stripe's dashboard (only the event tells the portal).
/// </summary>
public sealed class StripeRefundNoticeTests : IDisposable
{
    private readonly StripeFakePortalFactory factory = new();

    public void Dispose()
    {
        AuditAmbient.Current = null;
        factory.Dispose();
    }

    private async Task<(StripeWorld World, Payment Payment)> PaidAsync()
    {
        var world = await factory.SeedAsync(mapPrice: false);
        await factory.CheckoutAsync(world);
        await using var db = await factory.DbAsync();
        return (world, await db.Payments.SingleAsync(p => p.MemberId == world.MemberId && p.Outcome == PaymentOutcome.Succeeded));
    }

    private async Task<List<string>> RefundNoticesAsync(string memberId)
    {
        await using var db = await factory.DbAsync();
        return await db.Outbox.Where(o => o.MemberId == memberId && o.Kind == "refund-issued").OrderBy(o => o.CreatedAt).Select(o => o.TextBody).ToListAsync();
    }

    [Fact]
    public async Task OwnerRefund_ThenChargeRefundedEvents_OneNoticePerRefund_LedgerNotDoubled()
    {
        var (world, payment) = await PaidAsync();
        var owner = await factory.CreateUserAsync($"owner-{world.CustomerId}@example.test", "a long owner passphrase", PortalRoles.Owner);
        AuditAmbient.Current = new AuditActor(owner.Id, owner.Email!, PortalRoles.Owner);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var runner = scope.ServiceProvider.GetRequiredService<UseCaseRunner>();
            Assert.True((await runner.RunAsync(new RefundPayment(world.MemberId, payment.Id, 500))).Succeeded);
            Assert.True((await runner.RunAsync(new RefundPayment(world.MemberId, payment.Id, 700))).Succeeded);
        }
        await factory.DeliverAsync(); // refund.created and charge.refunded, twice

        var notices = await RefundNoticesAsync(world.MemberId);
        Assert.Equal(2, notices.Count);
        Assert.Contains("We refunded $5.00", notices[0]);
        Assert.Contains("We refunded $7.00", notices[1]);
        await using var db = await factory.DbAsync();
        var invoice = await db.Invoices.SingleAsync(i => i.MemberId == world.MemberId);
        Assert.Equal((InvoiceStatus.PartiallyRefunded, 1200L), (invoice.Status, invoice.AmountRefundedMinor));
        Assert.Equal(2, await db.Payments.CountAsync(p => p.MemberId == world.MemberId && p.Outcome == PaymentOutcome.Refunded));
    }

    [Fact]
    public async Task RefundInStripesDashboard_ChargeRefunded_RecordedWithOneNotice_EvenWhenRedelivered()
    {
        var (world, payment) = await PaidAsync();
        var (status, _) = factory.Fake.Handle("POST", "/v1/refunds", "", $"payment_intent={payment.GatewayPaymentId}&amount=800", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        await factory.DeliverAsync();

        var notice = Assert.Single(await RefundNoticesAsync(world.MemberId));
        Assert.Contains("We refunded $8.00", notice);
        Assert.Contains("Your access does not change", notice);
        await using (var db = await factory.DbAsync())
        {
            var invoice = await db.Invoices.SingleAsync(i => i.MemberId == world.MemberId);
            Assert.Equal((InvoiceStatus.PartiallyRefunded, 800L), (invoice.Status, invoice.AmountRefundedMinor));
        }

        // The same refund told again under another event id (a second endpoint's copy, a replay): nothing more is recorded or sent.
        var refunded = factory.Fake.Events().Last(e => (string?)e["type"] == "charge.refunded").DeepClone().AsObject();
        refunded["id"] = "evt_refund_told_again";
        var json = refunded.ToJsonString();
        var t = factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        var signature = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(factory.Fake.WebhookSecret), System.Text.Encoding.UTF8.GetBytes($"{t}.{json}")));
        using var again = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        again.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={t},v1={signature}");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.CreateClient().SendAsync(again)).StatusCode);
        Assert.Single(await RefundNoticesAsync(world.MemberId));
        await using var check = await factory.DbAsync();
        Assert.Equal(800L, (await check.Invoices.SingleAsync(i => i.MemberId == world.MemberId)).AmountRefundedMinor);
    }
}
