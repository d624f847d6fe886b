using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Security;

/// <summary>Every link in every notice the portal can send starts with the public address and opens a page there.</summary>
public sealed class NoticeLinksTests
{
    private const string PublicUrl = "https://members.example.test";

    [Fact]
    public async Task EveryNotice_EveryLink_ResolvesTo200AtThePublicAddress()
    {
        using var factory = new PortalFactory().WithSetting("Portal:PublicUrl", PublicUrl);
        var catalog = await TestCatalog.CreateAsync(factory);
        var email = $"links{Guid.NewGuid():N}@example.test";
        var user = await factory.CreateUserAsync(email, "a long member passphrase");
        Guid subscriptionId;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, email,
                new CheckoutChoice { PriceId = catalog.ProMonthly }, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
            Assert.True(outcome.Succeeded, outcome.Error);
            subscriptionId = outcome.SubscriptionId!.Value;
        }

        var links = factory.Services.GetRequiredService<PortalLinks>();
        var queue = factory.Services.GetRequiredService<NoticeQueue>();
        var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var subscription = await db.Subscriptions.Include(s => s.Items).SingleAsync(s => s.Id == subscriptionId);
            var invoice = await db.Invoices.Where(i => i.SubscriptionId == subscriptionId).Select(i => i.Id).FirstAsync();
            var extra = new Dictionary<string, string>
            {
                ["invoice_url"] = links.Invoice(invoice),
                ["invoice_number"] = "INV-1",
                ["library_url"] = links.Library,
                ["login_url"] = links.Absolute("Account/Login"),
                ["reset_url"] = links.Absolute("Account/ForgotPassword"),
                ["tracking_url"] = "https://carrier.example/track/1Z",
                ["tracking_number"] = "1Z",
                ["carrier"] = "UPS",
                ["reset_code"] = "123456",
            };
            foreach (var notice in NoticeCatalog.All)
            {
                var values = new Dictionary<string, string>(extra) { ["action_url"] = await ActionLinkAsync(factory, links, user.Id, notice.Kind) };
                Assert.True(await queue.QueueAsync(db, notice.Kind, $"links-test:{notice.Key}", subscription, factory.Clock.GetUtcNow(), values),
                    $"{notice.Key} was not queued");
            }
            await db.SaveChangesAsync();
        }

        var member = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(PublicUrl), AllowAutoRedirect = true, HandleCookies = true });
        await PortalFactory.LoginAsync(member, email, "a long member passphrase");
        await using var read = await dbFactory.CreateDbContextAsync();
        var rows = await read.Outbox.AsNoTracking().Where(o => o.DedupKey.StartsWith("links-test:")).ToListAsync();
        Assert.Equal(NoticeCatalog.All.Count, rows.Count);
        var checkedLinks = 0;
        foreach (var row in rows)
        {
            var found = Regex.Matches(row.HtmlBody, "href=\"([^\"]+)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))
                .Concat(Regex.Matches(row.TextBody, @"https?://[^\s<>""]+").Select(m => m.Value.TrimEnd('.', ',', ')')))
                .Where(l => !l.StartsWith("https://carrier.example/", StringComparison.Ordinal) && !l.StartsWith("mailto:", StringComparison.Ordinal))
                .Distinct().ToList();
            foreach (var link in found)
            {
                Assert.True(link.StartsWith(PublicUrl + "/", StringComparison.Ordinal), $"{row.Kind}: {link} is not at the public address");
                var answer = await member.GetAsync(new Uri(link).PathAndQuery);
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{row.Kind}: {link} answered {(int)answer.StatusCode}");
                checkedLinks++;
            }
        }
        Assert.True(checkedLinks >= NoticeCatalog.All.Count, $"only {checkedLinks} links were followed");
    }

    /// <summary>The link the portal itself would mail for an account notice (a real token), else the account page.</summary>
    private static async Task<string> ActionLinkAsync(PortalFactory factory, PortalLinks links, string userId, NoticeKind kind)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(userId))!;
        static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        return kind switch
        {
            NoticeKind.EmailConfirmation => QueryHelpers.AddQueryString(links.Absolute("Account/ConfirmEmail"),
                new Dictionary<string, string?> { ["userId"] = userId, ["code"] = Encode(await users.GenerateEmailConfirmationTokenAsync(user)) }),
            NoticeKind.PasswordReset => QueryHelpers.AddQueryString(links.Absolute("Account/ResetPassword"), "code", Encode(await users.GeneratePasswordResetTokenAsync(user))),
            _ => links.Account,
        };
    }
}
