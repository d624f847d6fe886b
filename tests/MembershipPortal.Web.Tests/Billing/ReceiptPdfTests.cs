using System.Net;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Admin;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Tests.Members;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace MembershipPortal.Web.Tests.Billing;

/// <summary>Each receipt downloads as a PDF holding the seller's details, the member, the lines, totals, payments and refunds; read back as text.</summary>
public sealed class ReceiptPdfTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    private async Task<HttpClient> SignedInAsync(string email)
    {
        var client = fixture.Factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(client, email, "a long member passphrase")).StatusCode);
        return client;
    }

    /// <summary>The words of every page, in reading order, separated by single spaces.</summary>
    private static string PdfText(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        return string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
    }

    private async Task<(string Id, string Email, Guid InvoiceId)> RefundedBuyerAsync()
    {
        await using (var scope = fixture.Factory.Services.CreateAsyncScope())
        {
            var errors = await scope.ServiceProvider.GetRequiredService<BusinessSettings>().SaveAsync(new BusinessProfile
            {
                BusinessName = "Yarn Club Ltd",
                ReportingCurrency = "USD",
                TimeZoneId = "UTC",
                BusinessAddress = "12 Wool Street\r\nLeeds LS1 4AP\nUnited Kingdom",
                TaxId = "GB123456789",
            });
            Assert.Empty(errors);
        }
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly, firstName: "Grace");
        Guid paymentId, invoiceId;
        await using (var db = await fixture.Db())
            (paymentId, invoiceId) = await db.Payments.Where(p => p.MemberId == buyer.Id).Select(p => ValueTuple.Create(p.Id, p.InvoiceId)).SingleAsync();
        Assert.True((await fixture.Factory.RunAsAsync(fixture.OwnerActor, new RefundPayment(buyer.Id, paymentId, 450))).Succeeded);
        return (buyer.Id, buyer.Email, invoiceId);
    }

    [Fact]
    public async Task MemberDownloadsOwnReceipt_PdfHoldsSellerMemberLinesTotalsPaymentsAndRefunds()
    {
        var (_, email, invoiceId) = await RefundedBuyerAsync();
        using var member = await SignedInAsync(email);

        var response = await member.GetAsync($"/account/billing/receipts/{invoiceId}.pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("receipt-INV-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var text = PdfText(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("Yarn Club Ltd", text);
        // The seller's block and the receipt's own sit side by side, so their lines interleave in reading order.
        Assert.Contains("12 Wool Street", text);
        Assert.Contains("Leeds LS1 4AP", text);
        Assert.Contains("United Kingdom", text);
        Assert.Contains("Tax ID: GB123456789", text);
        Assert.Contains("Receipt 12 Wool Street INV-", text);
        Assert.Contains("Status: Partially refunded", text);
        Assert.Contains($"BILLED TO Grace {email}", text);
        Assert.Contains("Pro 1 $19.00 Monthly plan ($19.00 / month) · 23 Nov 2026 – 23 Dec 2026", text);
        Assert.Contains("Subtotal $19.00 Total $19.00", text);
        Assert.Contains("23 Nov 2026 Paid · Card ending 4242 $19.00", text);
        Assert.Contains("23 Nov 2026 Refunded · Card ending 4242 −$4.50", text);
        Assert.Contains("Net paid $14.50", text);
    }

    [Fact]
    public async Task AnotherMembersReceipt_404_AndAnonymous_NotServed()
    {
        var (_, _, invoiceId) = await RefundedBuyerAsync();
        var other = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly);
        using var client = await SignedInAsync(other.Email);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/account/billing/receipts/{invoiceId}.pdf")).StatusCode);
        var anonymous = await fixture.Anonymous.GetAsync($"/account/billing/receipts/{invoiceId}.pdf");
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.NotEqual("application/pdf", anonymous.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task StaffDownloadsAnyMembersReceipt_FromTheMemberPage_MembersCannot()
    {
        var (memberId, _, invoiceId) = await RefundedBuyerAsync();
        var path = $"/admin/members/{memberId}/receipts/{invoiceId}.pdf";

        var staff = await fixture.Staff.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, staff.StatusCode);
        Assert.Contains("Net paid $14.50", PdfText(await staff.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Staff.GetAsync($"/admin/members/{fixture.MemberId}/receipts/{invoiceId}.pdf")).StatusCode);
        var member = await fixture.Member.GetAsync(path);
        Assert.NotEqual(HttpStatusCode.OK, member.StatusCode);
    }
}
