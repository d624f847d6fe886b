using System.Net;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Members.Admin;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Members;

public sealed class MemberAdminFixture : IAsyncLifetime
{
    public PortalFactory Factory { get; } = new();
    public TestCatalog Catalog { get; private set; } = null!;
    public HttpClient Owner { get; private set; } = null!;
    public HttpClient Staff { get; private set; } = null!;
    public HttpClient Member { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;
    public string MemberId { get; private set; } = "";
    public AuditActor StaffActor { get; private set; } = null!;
    public AuditActor OwnerActor { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ = Factory.Server;
        Catalog = await TestCatalog.CreateAsync(Factory);
        Owner = await Factory.SignedInClientAsync("members.owner@example.test", PortalRoles.Owner);
        Staff = await Factory.SignedInClientAsync("members.staff@example.test", PortalRoles.Staff);
        Member = await Factory.SignedInClientAsync("members.plain@example.test");
        Anonymous = Factory.CreateBrowserlessClient();
        await using var db = await Db();
        MemberId = (await db.Users.SingleAsync(u => u.Email == "members.plain@example.test")).Id;
        StaffActor = new AuditActor((await db.Users.SingleAsync(u => u.Email == "members.staff@example.test")).Id, "members.staff@example.test", PortalRoles.Staff);
        OwnerActor = new AuditActor((await db.Users.SingleAsync(u => u.Email == "members.owner@example.test")).Id, "members.owner@example.test", PortalRoles.Owner);
    }

    public async Task<AppDbContext> Db() => await Factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    /// <summary>A member who bought a plan through the real checkout on the test gateway (so there is a payment to refund).</summary>
    public async Task<(string Id, string Email, Guid SubscriptionId)> BuyerAsync(Guid priceId, string? firstName = null)
    {
        var email = $"buyer{Guid.NewGuid():N}@example.test";
        var user = await Factory.CreateUserAsync(email, "a long member passphrase");
        await using var scope = Factory.Services.CreateAsyncScope();
        if (firstName is not null)
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
            var u = (await users.FindByIdAsync(user.Id))!;
            u.FirstName = firstName;
            await users.UpdateAsync(u);
        }
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, email,
            new CheckoutChoice { PriceId = priceId, Shipping = new AddressInput { Name = "Ada Lovelace", Line1 = "1 Main Street", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" } },
            new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
        Assert.True(outcome.Succeeded, outcome.Error);
        await using var db = await Db();
        return (user.Id, email, await db.Subscriptions.Where(s => s.MemberId == user.Id).Select(s => s.Id).SingleAsync());
    }

    /// <summary>Runs <paramref name="action"/> as Staff, the way the member page does (the acting user is ambient).</summary>
    public Task<T> AsStaffAsync<T>(Func<MemberAdminService, BillingService, Task<T>> action) => AsAsync(StaffActor, action);

    /// <summary>Runs <paramref name="action"/> as the Owner (refunds and erasure are the Owner's alone).</summary>
    public Task<T> AsOwnerAsync<T>(Func<MemberAdminService, BillingService, Task<T>> action) => AsAsync(OwnerActor, action);

    /// <summary>Runs <paramref name="action"/> as <paramref name="actor"/>, as a circuit that captured that user when it opened.</summary>
    public async Task<T> AsAsync<T>(AuditActor actor, Func<MemberAdminService, BillingService, Task<T>> action)
    {
        AuditAmbient.Current = actor;
        try
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            return await action(scope.ServiceProvider.GetRequiredService<MemberAdminService>(), scope.ServiceProvider.GetRequiredService<BillingService>());
        }
        finally
        {
            AuditAmbient.Current = null;
        }
    }

    public async Task<List<AuditEntry>> AuditFor(string memberId)
    {
        await using var db = await Db();
        return await db.AuditEntries.Where(e => e.TargetId == memberId).OrderBy(e => e.Id).ToListAsync();
    }

    public Task DisposeAsync()
    {
        Owner.Dispose();
        Staff.Dispose();
        Member.Dispose();
        Anonymous.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>/admin/members: who may see it, what the list finds, and what each action changes (with one audit entry).</summary>
public sealed class MemberAdminTests(MemberAdminFixture fixture) : IClassFixture<MemberAdminFixture>
{
    public static TheoryData<string> AdminDoors() => ["/admin/members", "/admin/members/export.csv", "/admin/members/{member}", "/admin/members/{member}/export.json"];

    private string Door(string path) => path.Replace("{member}", fixture.MemberId);

    [Theory]
    [MemberData(nameof(AdminDoors))]
    public async Task AdminDoor_Member_Refused(string path)
    {
        var response = await fixture.Member.GetAsync(Door(path));
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden, response.StatusCode.ToString());
        if (response.StatusCode == HttpStatusCode.Redirect)
            Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(AdminDoors))]
    public async Task AdminDoor_Anonymous_SentToLogin(string path)
    {
        var response = await fixture.Anonymous.GetAsync(Door(path));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(AdminDoors))]
    public async Task AdminDoor_Staff_Opens(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await fixture.Staff.GetAsync(Door(path))).StatusCode);

    [Fact]
    public async Task MemberPage_CanceledAtPeriodEnd_SaysEnds_WithNoNextCharge()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        var before = await fixture.Staff.GetStringAsync($"/admin/members/{buyer.Id}");
        Assert.Contains("next charge", before);
        await using (var db = await fixture.Db())
            await db.Subscriptions.Where(s => s.Id == buyer.SubscriptionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.CancelAtPeriodEnd, true));

        var page = await fixture.Staff.GetStringAsync($"/admin/members/{buyer.Id}");

        Assert.Contains("Ends ", page);
        Assert.DoesNotContain("next charge", page);
        Assert.DoesNotContain("subscription_create", page);
    }

    [Fact]
    public async Task List_LeavesOutTheOwnerAndStaff_UnlessAsked()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetRequiredService<MemberAdminService>();

        var plain = await members.ListAsync(new MemberFilter { Search = "members." }, MemberSort.Newest, 0, 100);
        var withTeam = await members.ListAsync(new MemberFilter { Search = "members.", IncludeTeam = true }, MemberSort.Newest, 0, 100);

        Assert.Contains(plain.Rows, r => r.Email == "members.plain@example.test");
        Assert.DoesNotContain(plain.Rows, r => r.Email is "members.owner@example.test" or "members.staff@example.test");
        Assert.Contains(withTeam.Rows, r => r.Email == "members.owner@example.test");
        Assert.Contains(withTeam.Rows, r => r.Email == "members.staff@example.test");
        var csv = await fixture.Staff.GetStringAsync("/admin/members/export.csv?q=members.&team=true");
        Assert.Contains("members.owner@example.test", csv);
        Assert.DoesNotContain("members.owner@example.test", await fixture.Staff.GetStringAsync("/admin/members/export.csv?q=members."));
    }

    [Fact]
    public async Task Member_PostingToAnAdminPage_Refused()
    {
        var response = await fixture.Member.PostAsync(Door("/admin/members/{member}"), new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await fixture.AuditFor(fixture.MemberId));
    }

    [Fact]
    public async Task List_SearchStatusProductAndRisk_FindTheRightMembers()
    {
        var pro = await fixture.BuyerAsync(fixture.Catalog.ProMonthly, firstName: "Searchable");
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var members = scope.ServiceProvider.GetRequiredService<MemberAdminService>();

        var byEmail = await members.ListAsync(new MemberFilter { Search = pro.Email[..12] }, MemberSort.Newest, 0, 25);
        Assert.Equal(pro.Id, Assert.Single(byEmail.Rows).Id);
        Assert.Equal("Active", byEmail.Rows[0].Status);
        var byName = await members.ListAsync(new MemberFilter { Search = "searchABLE" }, MemberSort.Newest, 0, 25);
        Assert.Contains(byName.Rows, r => r.Id == pro.Id);
        var active = await members.ListAsync(new MemberFilter { Status = MemberStatusFilter.Active, ProductId = fixture.Catalog.ProProduct }, MemberSort.Newest, 0, 200);
        Assert.Contains(active.Rows, r => r.Id == pro.Id);
        Assert.DoesNotContain(active.Rows, r => r.Id == fixture.MemberId);
        var never = await members.ListAsync(new MemberFilter { Status = MemberStatusFilter.NeverPaid }, MemberSort.Newest, 0, 200);
        Assert.Contains(never.Rows, r => r.Id == fixture.MemberId);
        Assert.DoesNotContain(never.Rows, r => r.Id == pro.Id);
        // The buyer never signed in: a paying member with no login for 30 days is at risk.
        var risky = await members.ListAsync(new MemberFilter { AtRisk = true }, MemberSort.Newest, 0, 200);
        Assert.Contains("No login for 30 days", Assert.Single(risky.Rows, r => r.Id == pro.Id).Risks);
        var month = await members.ListAsync(new MemberFilter { SignupMonth = fixture.Factory.Clock.GetUtcNow().ToString("yyyy-MM") }, MemberSort.Email, 0, 200);
        Assert.Contains(month.Rows, r => r.Id == pro.Id);
        Assert.Equal(month.Rows.Select(r => r.Email.ToUpperInvariant()).Order(StringComparer.Ordinal), month.Rows.Select(r => r.Email.ToUpperInvariant()));
        var none = await members.ListAsync(new MemberFilter { SignupMonth = "2001-01" }, MemberSort.Newest, 0, 25);
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task CsvExport_FilteredAndFormulaSafe()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly, firstName: "=HYPERLINK(\"x\")");
        var csv = await fixture.Staff.GetStringAsync($"/admin/members/export.csv?q={Uri.EscapeDataString(buyer.Email)}");
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("id,email,name,status,plans,joined_at,last_login_at,locked,risks", lines[0]);
        var row = Assert.Single(lines.Skip(1));
        Assert.StartsWith($"{buyer.Id},{buyer.Email},\"'=HYPERLINK(\"\"x\"\")\",Active,", row);
    }

    [Fact]
    public async Task Comp_GrantsAccessUntilTheDate_OneAuditEntry()
    {
        var until = fixture.Factory.Clock.GetUtcNow().AddDays(30);
        var target = (await fixture.BuyerAsync(fixture.Catalog.BasicMonthly)).Id;
        var result = await fixture.Factory.RunAsAsync(fixture.StaffActor, new CompMember(target, fixture.Catalog.ProProduct, until));
        Assert.True(result.Succeeded, result.Message);

        await using var db = await fixture.Db();
        var comp = await db.Comps.SingleAsync(c => c.MemberId == target);
        Assert.Equal((fixture.Catalog.ProProduct, until, "members.staff@example.test"), (comp.ProductId, comp.Until, comp.GrantedBy));
        var entry = Assert.Single(await fixture.AuditFor(target));
        Assert.Equal(("member.comp", "members.staff@example.test", "Staff"), (entry.Action, entry.ActorName, entry.ActorRole));

        var refused = await fixture.Factory.RunAsAsync(fixture.StaffActor, new CompMember(target, fixture.Catalog.ProProduct, fixture.Factory.Clock.GetUtcNow().AddDays(-1)));
        Assert.False(refused.Succeeded);
        Assert.Single(await fixture.AuditFor(target));
    }

    [Fact]
    public async Task CancelNow_EndsAccess_OneAuditEntry()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        var result = await fixture.Factory.RunAsAsync(fixture.StaffActor, new CancelSubscriptionNow(buyer.Id, buyer.SubscriptionId));
        Assert.True(result.Succeeded, result.Message);
        await using var db = await fixture.Db();
        Assert.Equal(SubscriptionStatus.Canceled, (await db.Subscriptions.SingleAsync(s => s.Id == buyer.SubscriptionId)).Status);
        Assert.Equal("member.subscription.cancel-now", Assert.Single(await fixture.AuditFor(buyer.Id)).Action);
    }

    [Fact]
    public async Task StaffBillingActions_CancelAtPeriodEndAndPlanChange_EachAudited()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.BasicMonthly);
        var upgraded = await fixture.Factory.RunAsAsync(fixture.StaffActor, new ChangePlan(buyer.Id, buyer.SubscriptionId, fixture.Catalog.ProMonthly));
        Assert.True(upgraded.Succeeded, upgraded.Message);
        var cancelled = await fixture.Factory.RunAsAsync(fixture.StaffActor, new CancelSubscription(buyer.Id, buyer.SubscriptionId, "Other", "Cancelled by staff"));
        Assert.True(cancelled.Succeeded, cancelled.Message);
        Assert.Equal(["member.plan.change", "member.subscription"], (await fixture.AuditFor(buyer.Id)).Select(e => e.Action));

        // The member doing the same to their own subscription is not an admin action.
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(new ResumeSubscription(buyer.Id, buyer.SubscriptionId));
        Assert.Equal(2, (await fixture.AuditFor(buyer.Id)).Count);
    }

    [Fact]
    public async Task Refund_PartThenRest_RecordedOnInvoice_TooMuchRefused()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        await using (var db = await fixture.Db())
        {
            var payment = await db.Payments.SingleAsync(p => p.MemberId == buyer.Id);
            var over = await fixture.Factory.RunAsAsync(fixture.OwnerActor, new RefundPayment(buyer.Id, payment.Id, payment.AmountMinor + 1));
            Assert.False(over.Succeeded);
            Assert.True((await fixture.Factory.RunAsAsync(fixture.OwnerActor, new RefundPayment(buyer.Id, payment.Id, 500))).Succeeded);
            Assert.True((await fixture.Factory.RunAsAsync(fixture.OwnerActor, new RefundPayment(buyer.Id, payment.Id, payment.AmountMinor - 500))).Succeeded);
            Assert.False((await fixture.Factory.RunAsAsync(fixture.OwnerActor, new RefundPayment(buyer.Id, payment.Id, 1))).Succeeded);
        }
        await using var check = await fixture.Db();
        var invoice = await check.Invoices.SingleAsync(i => i.MemberId == buyer.Id);
        Assert.Equal((InvoiceStatus.Refunded, invoice.AmountPaidMinor), (invoice.Status, invoice.AmountRefundedMinor));
        Assert.Equal(2, await check.Payments.CountAsync(p => p.MemberId == buyer.Id && p.Outcome == PaymentOutcome.Refunded));
        Assert.Equal(["member.refund", "member.refund"], (await fixture.AuditFor(buyer.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Lock_StopsSignIn_Unlock_AllowsIt()
    {
        var email = $"lockme{Guid.NewGuid():N}@example.test";
        var user = await fixture.Factory.CreateUserAsync(email, "a long member passphrase");
        Assert.True((await fixture.Factory.RunAsAsync(fixture.StaffActor, new SetMemberLocked(user.Id, true))).Succeeded);
        var client = fixture.Factory.CreateBrowserlessClient();
        var login = await PortalFactory.LoginAsync(client, email, "a long member passphrase");
        Assert.Contains("Lockout", login.Headers.Location?.OriginalString ?? await login.Content.ReadAsStringAsync());
        Assert.True((await fixture.Factory.RunAsAsync(fixture.StaffActor, new SetMemberLocked(user.Id, false))).Succeeded);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(fixture.Factory.CreateBrowserlessClient(), email, "a long member passphrase")).StatusCode);
        Assert.Equal(["member.lock", "member.unlock"], (await fixture.AuditFor(user.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task NoteAndResendEmail_EachOneEntry()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly);
        Assert.False((await fixture.Factory.RunAsAsync(fixture.StaffActor, new AddMemberNote(buyer.Id, "   "))).Succeeded);
        Assert.True((await fixture.Factory.RunAsAsync(fixture.StaffActor, new AddMemberNote(buyer.Id, "Called about the kit"))).Succeeded);
        Guid emailId;
        int before;
        await using (var db = await fixture.Db())
        {
            emailId = (await db.Outbox.FirstAsync(o => o.MemberId == buyer.Id)).Id;
            before = await db.Outbox.CountAsync(o => o.MemberId == buyer.Id);
        }
        Assert.True((await fixture.Factory.RunAsAsync(fixture.StaffActor, new ResendMemberEmail(buyer.Id, emailId))).Succeeded);
        await using (var db = await fixture.Db())
            Assert.Equal(before + 1, await db.Outbox.CountAsync(o => o.MemberId == buyer.Id));
        Assert.Equal(["member.note", "member.email.resend"], (await fixture.AuditFor(buyer.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Delete_LeavesNoPersonalData_KeepsInvoiceTotals()
    {
        var buyer = await fixture.BuyerAsync(fixture.Catalog.ProMonthly, firstName: "Zebediah");
        await fixture.Factory.RunAsAsync(fixture.StaffActor, new AddMemberNote(buyer.Id, "Zebediah likes green tea"));
        long totalBefore;
        await using (var db = await fixture.Db())
            totalBefore = await db.Invoices.Where(i => i.MemberId == buyer.Id).SumAsync(i => i.TotalMinor);
        Assert.True(totalBefore > 0);
        Assert.Contains("AspNetUsers.Email", await FindTextAsync(buyer.Email, "Zebediah", "1 Main Street")); // the scan sees data

        var result = await fixture.Factory.RunAsAsync(fixture.OwnerActor, new EraseMember(buyer.Id));
        Assert.True(result.Succeeded, result.Message);

        await using (var db = await fixture.Db())
        {
            Assert.Equal(totalBefore, await db.Invoices.Where(i => i.MemberId == buyer.Id).SumAsync(i => i.TotalMinor));
            Assert.Equal(SubscriptionStatus.Canceled, (await db.Subscriptions.SingleAsync(s => s.Id == buyer.SubscriptionId)).Status);
        }
        // Every text column of every table: neither the email, the name nor the street survives.
        var leaks = await FindTextAsync(buyer.Email, "Zebediah", "1 Main Street");
        Assert.Empty(leaks);
        Assert.Equal("member.delete", (await fixture.AuditFor(buyer.Id)).Last().Action);
        Assert.False((await fixture.Factory.RunAsAsync(fixture.StaffActor, new EraseMember(fixture.StaffActor.Id!))).Succeeded);
    }

    private async Task<List<string>> FindTextAsync(params string[] needles)
    {
        await using var db = await fixture.Db();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is string text && needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)))
                        found.Add($"{table}.{reader.GetName(i)}");
        }
        return found;
    }
}
