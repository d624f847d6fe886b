using System.Text.RegularExpressions;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Notifications;

/// <summary>A refund and a comp by the Owner reach the member by real SMTP (maildev), saying what happened, with links at the public address.</summary>
public sealed class RefundAndCompNoticeTests(MailDevServer maildev) : IClassFixture<MailDevServer>
{
    private const string PublicUrl = "https://club.example.test";

    private static async Task<Outcome> AsOwnerAsync<TRequest>(NotificationsApp app, TRequest request) where TRequest : IUseCaseRequest
    {
        var email = $"owner{Guid.NewGuid():N}@example.test";
        var owner = await app.Factory.CreateUserAsync(email, "a long owner passphrase", PortalRoles.Owner);
        return await app.Factory.RunAsAsync(new AuditActor(owner.Id, email, PortalRoles.Owner), request);
    }

    private static async Task<MimeKit.MimeMessage> OneMailAsync(MailDevServer maildev, string to, string subject)
    {
        var found = (await maildev.EmailsToAsync(to)).Where(e => e.Subject() == subject).ToList();
        return await maildev.SourceAsync(Assert.Single(found));
    }

    private static void AssertLinksArePublic(MimeKit.MimeMessage mail, string expectedPath)
    {
        var links = Regex.Matches(mail.HtmlBody ?? "", "href=\"([^\"]+)\"").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))
            .Concat(Regex.Matches(mail.TextBody ?? "", @"https?://[^\s<>""]+").Select(m => m.Value.TrimEnd('.', ',')))
            .ToList();
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.StartsWith(PublicUrl + "/", l));
        Assert.Contains(links, l => new Uri(l).AbsolutePath.StartsWith(expectedPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refund_ByOwner_MailsAmountCardAndAccessOncePerRefund_LinksAtThePublicAddress()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort, ("Portal:PublicUrl", PublicUrl)).StartAsync();
        var (member, email, _) = await app.BuyAsync(app.Catalog.ProMonthly, NotificationsApp.Good);
        Guid paymentId, invoiceId;
        await using (var db = app.Db())
            (paymentId, invoiceId) = await db.Payments.Where(p => p.MemberId == member && p.Outcome == PaymentOutcome.Succeeded).Select(p => ValueTuple.Create(p.Id, p.InvoiceId)).SingleAsync();

        var first = await AsOwnerAsync(app, new RefundPayment(member, paymentId, 500));
        var second = await AsOwnerAsync(app, new RefundPayment(member, paymentId, 1400));
        Assert.True(first.Succeeded, first.Message);
        Assert.True(second.Succeeded, second.Message);
        await app.Get<OutboxDispatcher>().DispatchDueAsync();

        var mail = await OneMailAsync(maildev, email, "Your refund of $5.00 from MembershipPortal");
        Assert.Contains("We refunded $5.00 of invoice INV-", mail.TextBody);
        Assert.Contains("card ending 4242", mail.TextBody);
        Assert.Contains("on 23 November 2026", mail.TextBody);
        Assert.Contains("Your access does not change: your Pro subscription stays active and renews on 23 December 2026.", mail.TextBody);
        AssertLinksArePublic(mail, $"/account/billing/invoices/{invoiceId}");
        var rest = await OneMailAsync(maildev, email, "Your refund of $14.00 from MembershipPortal");
        Assert.Contains("We refunded $14.00", rest.TextBody);
        await using (var db = app.Db())
            Assert.Equal(2, await db.Outbox.CountAsync(o => o.ToAddress == email && o.Kind == "refund-issued"));
    }

    [Fact]
    public async Task Comp_ByOwner_MailsWhatItOpensAndUntilWhen_LinksAtThePublicAddress()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort, ("Portal:PublicUrl", PublicUrl)).StartAsync();
        await TestContent.CreateAsync(app.Factory, app.Catalog, prefix: "comp-");
        var (member, email, _) = await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.Good);
        var until = app.Now.AddDays(30);

        var result = await AsOwnerAsync(app, new CompMember(member, app.Catalog.VipProduct, until));
        Assert.True(result.Succeeded, result.Message);
        await app.Get<OutboxDispatcher>().DispatchDueAsync();

        var mail = await OneMailAsync(maildev, email, "You have free access to VIP");
        Assert.Contains("free access to VIP until 23 December 2026", mail.TextBody);
        Assert.Contains("You can now open 1 article and 1 course, such as “Pro course” and “Title comp-pro-article”.", mail.TextBody);
        Assert.DoesNotContain("comp-members-article", mail.TextBody); // open to any account already
        AssertLinksArePublic(mail, "/content");
    }

    [Fact]
    public async Task Comp_WithoutEndDate_SaysSo()
    {
        await using var app = await new NotificationsApp(maildev.SmtpPort, ("Portal:PublicUrl", PublicUrl)).StartAsync();
        var (member, email, _) = await app.BuyAsync(app.Catalog.BasicMonthly, NotificationsApp.Good);
        Assert.True((await AsOwnerAsync(app, new CompMember(member, app.Catalog.ProProduct, null))).Succeeded);
        var row = Assert.Single(await app.OutboxForAsync(email), o => o.Kind == NoticeCatalog.Get(NoticeKind.CompGranted).Key);
        Assert.Contains("free access to Pro with no end date", row.TextBody);
        Assert.Contains("everything that comes with Pro", row.TextBody);
    }
}
