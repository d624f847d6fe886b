using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Bunit;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Metrics;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Infrastructure.Settings;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using MembershipPortal.Web.Features.Billing.UseCases;
using MembershipPortal.Web.Features.Boxes;
using MembershipPortal.Web.Features.Members.Admin;
using MembershipPortal.Web.Features.Members.Admin.UseCases;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace MembershipPortal.Web.Tests.Public;

/// <summary>
/// A portal holding a subscription in every status, a timeline with every kind of event, invoices in every status and
/// reason, payments, refunds, comps and shipments, with one signed-in client per member and one for the Owner.
/// </summary>
public sealed class WordsFixture : IAsyncLifetime
{
    public const string Password = "a long member passphrase";
    public PortalFactory Factory { get; } = new();
    public TestCatalog Catalog { get; private set; } = null!;
    public HttpClient Owner { get; private set; } = null!;
    public AuditActor OwnerActor { get; private set; } = null!;
    public Guid CourseId { get; private set; }
    public Guid ShortCourseId { get; private set; }
    public Guid BoxProductId { get; private set; }

    /// <summary>Each member by what they show: their id, email and signed-in client.</summary>
    public Dictionary<string, (string Id, string Email, HttpClient Client)> Members { get; } = [];

    public async Task InitializeAsync()
    {
        _ = Factory.Server;
        Catalog = await TestCatalog.CreateAsync(Factory);
        await TestContent.CreateAsync(Factory, Catalog);
        Owner = await Factory.SignedInClientAsync("words.owner@example.test", PortalRoles.Owner);
        await using (var db = await Db())
        {
            OwnerActor = new AuditActor((await db.Users.SingleAsync(u => u.Email == "words.owner@example.test")).Id, "words.owner@example.test", PortalRoles.Owner);
            CourseId = await db.Courses.Select(c => c.Id).SingleAsync();
        }
        var now = Factory.Clock.GetUtcNow();

        // A one-lesson course (to read "1 module · 1 lesson"), a webhook log and an imported history file.
        var shortCourse = new Course { Title = "Quick start", Slug = "quick-start", Teaser = "One lesson", Access = AccessLevel.Members, PublishAt = now.AddDays(-10), CreatedAt = now.AddDays(-10) };
        var shortModule = new CourseModule { CourseId = shortCourse.Id, Title = "Only module", Position = 0 };
        var onlyLesson = new Lesson { CourseId = shortCourse.Id, ModuleId = shortModule.Id, Title = "Only lesson", Slug = "only-lesson", Position = 0, BodyMarkdown = "Hello" };
        ShortCourseId = shortCourse.Id;
        await using (var db = await Db())
        {
            db.Courses.Add(shortCourse);
            db.CourseModules.Add(shortModule);
            db.Lessons.Add(onlyLesson);
            db.WebhookEventLog.AddRange(
                new WebhookEventLogEntry { EventId = "evt_words_failed", Type = "invoice.payment_failed", ReceivedAt = now.AddHours(-3), Outcome = WebhookLogOutcome.Failed, Reason = "No subscription yet for this invoice.", Deliveries = 2 },
                new WebhookEventLogEntry { EventId = "evt_words_ignored", Type = "customer.subscription.created", ReceivedAt = now.AddHours(-2), Outcome = WebhookLogOutcome.Ignored, Reason = "Not this portal's customer." });
            db.HistoryImports.Add(new HistoryImport { FileName = "history.csv", Sha256 = new string('a', 64), ImportedAt = now.AddDays(-1), Rows = 1, NewEvents = 1, NewMembers = 1 });
            await db.SaveChangesAsync();
        }
        var prices = await PricesAsync();

        // Bought through the real checkout, partly refunded, comped, one comp ended.
        var active = await BuyAsync("active", Catalog.ProMonthly);
        Guid paymentId;
        await using (var db = await Db())
            paymentId = await db.Payments.Where(p => p.MemberId == active.Id).Select(p => p.Id).SingleAsync();
        Assert.True((await Factory.RunAsAsync(OwnerActor, new RefundPayment(active.Id, paymentId, 450))).Succeeded);
        Assert.True((await Factory.RunAsAsync(OwnerActor, new CompMember(active.Id, Catalog.VipProduct, now.AddDays(30)))).Succeeded);
        Assert.True((await Factory.RunAsAsync(OwnerActor, new AddMemberNote(active.Id, "Asked about the kit"))).Succeeded);
        await using (var db = await Db())
        {
            db.Enrollments.Add(new Enrollment { CourseId = ShortCourseId, MemberId = active.Id, EnrolledAt = now.AddDays(-5), LastLessonId = onlyLesson.Id, LastVisitedAt = now.AddDays(-4), CompletedAt = now.AddDays(-4) });
            db.LessonCompletions.Add(new LessonCompletion { LessonId = onlyLesson.Id, MemberId = active.Id, CourseId = ShortCourseId, CompletedAt = now.AddDays(-4) });
            db.Comps.Add(new Comp { MemberId = active.Id, ProductId = Catalog.ProProduct, Until = now.AddDays(-3), GrantedBy = "words.owner@example.test", GrantedAt = now.AddDays(-40) });
            await db.SaveChangesAsync();
        }

        // Upgraded by the Owner, then set to cancel at the period end.
        var scheduled = await BuyAsync("cancel-scheduled", Catalog.BasicMonthly);
        Assert.True((await Factory.RunAsAsync(OwnerActor, new ChangePlan(scheduled.Id, scheduled.SubscriptionId, Catalog.ProMonthly))).Succeeded);
        Assert.True((await Factory.RunAsAsync(OwnerActor, new CancelSubscription(scheduled.Id, scheduled.SubscriptionId, "Too expensive", "Money is tight"))).Succeeded);

        // A box with a parcel shipped and one still to pack.
        var box = await BuyAsync("box", Catalog.BoxMonthly);
        BoxProductId = prices[Catalog.BoxMonthly].ProductId;
        await using (var db = await Db())
        {
            ShippingAddress Address() => new() { Name = "Ada Lovelace", Line1 = "1 Main Street", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" };
            ShipmentLine Line() => new() { ProductId = prices[Catalog.BoxMonthly].ProductId, Description = "Tea Box", Quantity = 1, UnitPriceMinor = 2500 };
            db.Shipments.AddRange(
                new Shipment { SubscriptionId = box.SubscriptionId, MemberId = box.Id, ProductId = prices[Catalog.BoxMonthly].ProductId, Cycle = "2026-10", Address = Address(), Lines = [Line()], Status = ShipmentStatus.Shipped, Carrier = "USPS", TrackingNumber = "9400 WORDS", CreatedAt = now.AddDays(-40), ShippedAt = now.AddDays(-38) },
                new Shipment { SubscriptionId = box.SubscriptionId, MemberId = box.Id, ProductId = prices[Catalog.BoxMonthly].ProductId, Cycle = "2026-11", Address = Address(), Lines = [Line()], Status = ShipmentStatus.Pending, CreatedAt = now.AddDays(-10) });
            await db.SaveChangesAsync();
        }

        // One member per remaining status, shaped through the domain at past instants.
        await ShapedAsync("trialing", member => Subscription.Adopt(member, [new NewSubscriptionItem(prices[Catalog.ProMonthly])], now.AddDays(-3), now.AddDays(11), paymentConfirmed: true));
        await ShapedAsync("incomplete", member => Subscription.Start(member, [new NewSubscriptionItem(prices[Catalog.ProMonthly])], now.AddHours(-2), paymentConfirmed: false));
        await ShapedAsync("past-due", member =>
        {
            var s = Start(member, prices[Catalog.ProMonthly], now.AddDays(-35));
            s.RecordPaymentFailed(now.AddDays(-4));
            return s;
        });
        await ShapedAsync("unpaid", member =>
        {
            var s = Start(member, prices[Catalog.ProMonthly], now.AddDays(-50));
            s.RecordPaymentFailed(now.AddDays(-19));
            s.ExpireGrace(now.AddDays(-5), GraceExpiryAction.MarkUnpaid);
            return s;
        });
        await ShapedAsync("paused", member =>
        {
            var s = Start(member, prices[Catalog.BasicMonthly], now.AddDays(-20));
            s.Pause(now.AddDays(25), now.AddDays(-1));
            return s;
        });
        await ShapedAsync("canceled", member =>
        {
            var s = Start(member, prices[Catalog.BasicMonthly], now.AddDays(-20));
            s.CancelNow(now.AddDays(-2), "Canceled by the member.");
            return s;
        });

        // Every kind of timeline event on one subscription, and an invoice in every status and reason.
        var history = await ShapedAsync("history", member => EveryEvent(member, prices, now.AddDays(-100)));
        await using (var db = await Db())
        {
            var reasons = new[] { "subscription_create", "subscription_cycle", "subscription_update", "subscription_threshold", "manual" };
            var statuses = Enum.GetValues<InvoiceStatus>();
            for (var i = 0; i < statuses.Length; i++)
            {
                var at = now.AddDays(-90 + (i * 10));
                var status = statuses[i];
                var paid = status is InvoiceStatus.Paid or InvoiceStatus.Refunded or InvoiceStatus.PartiallyRefunded ? 1900 : 0;
                var refunded = status switch { InvoiceStatus.Refunded => 1900, InvoiceStatus.PartiallyRefunded => 500, _ => 0 };
                var invoice = new Invoice
                {
                    Number = $"INV-WORDS-{i + 1}",
                    MemberId = history.Id,
                    SubscriptionId = history.SubscriptionId,
                    Currency = "USD",
                    SubtotalMinor = 1900,
                    TotalMinor = 1900,
                    AmountPaidMinor = paid,
                    AmountRefundedMinor = refunded,
                    Status = status,
                    Reason = reasons[i % reasons.Length],
                    CreatedAt = at,
                    PaidAt = paid > 0 ? at : null,
                    PeriodStart = at,
                    PeriodEnd = at.AddMonths(1),
                    AttemptCount = status == InvoiceStatus.Failed ? 2 : 1,
                    Lines = [new InvoiceLineRecord { Description = "Pro", ProductId = Catalog.ProProduct, Quantity = 1, AmountMinor = 1900 }],
                };
                db.Invoices.Add(invoice);
                if (paid > 0)
                    db.Payments.Add(new Payment { InvoiceId = invoice.Id, MemberId = history.Id, AmountMinor = paid, Currency = "USD", Outcome = PaymentOutcome.Succeeded, At = at, CardLast4 = "4242", GatewayPaymentId = $"pay_words_{i}" });
                if (refunded > 0)
                    db.Payments.Add(new Payment { InvoiceId = invoice.Id, MemberId = history.Id, AmountMinor = -refunded, Currency = "USD", Outcome = PaymentOutcome.Refunded, At = at.AddDays(1), CardLast4 = "4242", GatewayPaymentId = $"re_words_{i}" });
                if (status == InvoiceStatus.Failed)
                    db.Payments.Add(new Payment { InvoiceId = invoice.Id, MemberId = history.Id, AmountMinor = 1900, Currency = "USD", Outcome = PaymentOutcome.Failed, At = at, CardLast4 = "0341", FailureCode = "card_declined", FailureMessage = "Your card was declined." });
            }
            await db.SaveChangesAsync();
        }

        // Settings the Owner changed: the audit trail names them and their values in words, not "portal.theme" or "MarkUnpaid".
        var settings = Factory.Services.GetRequiredService<SettingsStore>();
        await settings.SetManyAsync(new Dictionary<string, string>
        {
            [SettingKeys.Theme] = "forest",
            [BillingSettings.FinalActionKey] = nameof(GraceExpiryAction.MarkUnpaid),
            [BoxSettings.ShipPastDueKey] = "true",
            ["analytics.spend.2026-10"] = "120000",
        }, OwnerActor);
    }

    private static Subscription Start(string member, CatalogPrice price, DateTimeOffset at) =>
        Subscription.Start(member, [new NewSubscriptionItem(price)], at, paymentConfirmed: true);

    /// <summary>Walks a subscription through every <see cref="SubscriptionChangeKind"/>, ending active.</summary>
    private Subscription EveryEvent(string member, IReadOnlyDictionary<Guid, CatalogPrice> prices, DateTimeOffset t0)
    {
        var s = Start(member, prices[Catalog.BasicMonthly], t0);
        var kit = s.AddItem(prices[Catalog.KitMonthly], 1, t0.AddDays(1));
        s.ChangeQuantity(kit.Id, 2, t0.AddDays(2));
        s.ScheduleItemRemoval(kit.Id, t0.AddDays(3));
        s.UndoItemRemoval(kit.Id, t0.AddDays(4));
        s.RemoveItem(kit.Id, t0.AddDays(5));
        s.ChangePlan(s.Items.Single().Id, prices[Catalog.ProMonthly], t0.AddDays(6));
        s.RecordPaymentSucceeded(s.CurrentPeriodEnd.AddHours(1));
        var due = s.CurrentPeriodEnd;
        s.RecordPaymentFailed(due.AddHours(1));
        s.RecordPaymentFailed(due.AddDays(2));
        s.RecordPaymentSucceeded(due.AddDays(3));
        s.ScheduleCancel("Too expensive", due.AddDays(4));
        s.UndoCancel(due.AddDays(5));
        s.Pause(due.AddDays(20), due.AddDays(6));
        s.Resume(due.AddDays(8));
        s.CancelNow(due.AddDays(9), "Canceled by the Owner.");
        s.Reactivate(due.AddDays(10), prices.Values);
        Assert.Equal(Enum.GetValues<SubscriptionChangeKind>().Order(), s.History.Select(h => h.Kind).Distinct().Order());
        return s;
    }

    private async Task<Dictionary<Guid, CatalogPrice>> PricesAsync()
    {
        await using var db = await Db();
        return await db.Prices.AsNoTracking().ToDictionaryAsync(p => p.Id);
    }

    public async Task<AppDbContext> Db() => await Factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private async Task<(string Id, string Email)> MemberAsync(string name)
    {
        var email = $"words.{name}@example.test";
        var user = await Factory.CreateUserAsync(email, Password);
        var client = Factory.CreateBrowserlessClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.LoginAsync(client, email, Password)).StatusCode);
        Members[name] = (user.Id, email, client);
        return (user.Id, email);
    }

    private async Task<(string Id, Guid SubscriptionId)> BuyAsync(string name, Guid priceId)
    {
        var (id, email) = await MemberAsync(name);
        await using var scope = Factory.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(id, email,
            new CheckoutChoice { PriceId = priceId, Shipping = new AddressInput { Name = "Ada Lovelace", Line1 = "1 Main Street", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" } },
            new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
        Assert.True(outcome.Succeeded, outcome.Error);
        await using var db = await Db();
        return (id, await db.Subscriptions.Where(s => s.MemberId == id).Select(s => s.Id).SingleAsync());
    }

    /// <summary>A member whose one subscription is built by <paramref name="shape"/> from their id.</summary>
    private async Task<(string Id, Guid SubscriptionId)> ShapedAsync(string name, Func<string, Subscription> shape)
    {
        var (id, _) = await MemberAsync(name);
        var sub = shape(id);
        await using var db = await Db();
        db.Subscriptions.Add(sub);
        db.SubscriptionRecords.Add(new SubscriptionRecord { SubscriptionId = sub.Id, Gateway = "Test" });
        await db.SaveChangesAsync();
        return (id, sub.Id);
    }

    private async Task<T> AsOwnerAsync<T>(Func<MemberAdminService, BillingService, Task<T>> action)
    {
        AuditAmbient.Current = OwnerActor;
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

    public Task DisposeAsync()
    {
        Owner.Dispose();
        foreach (var (_, _, client) in Members.Values)
            client.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// What a person reads is in words: no enum identifier (<c>CancelScheduled</c>), no code (<c>subscription_create</c>), no
/// ISO date, and counts with the right plural, on every admin and member page, with every status and event kind present.
/// </summary>
public sealed partial class WordsNotCodesTests(WordsFixture fixture) : IClassFixture<WordsFixture>
{
    [Fact]
    public async Task AdminPages_EveryStatusAndEventKind_ShowWordsNotCodes()
    {
        var paths = new List<string>
        {
            "/admin", "/admin/members", "/admin/dunning", "/admin/fulfilment", "/admin/audit", "/admin/courses", $"/admin/courses/{fixture.CourseId}", $"/admin/courses/{fixture.ShortCourseId}",
            "/admin/content", "/admin/catalog", "/admin/catalog/coupons", "/admin/settings", "/admin/settings/billing", "/admin/settings/emails",
            "/admin/settings/team", "/admin/settings/webhooks", "/admin/import", "/admin/settings/stripe",
            "/admin/fulfilment/2026-11-15/slips", $"/admin/boxes/{fixture.BoxProductId}/2026-11/slips",
        };
        paths.AddRange(fixture.Members.Values.Select(m => $"/admin/members/{m.Id}"));
        await using (var db = await fixture.Db())
        {
            paths.AddRange(await db.ContentItems.Select(c => "/admin/content/" + c.Id).ToListAsync());
            paths.AddRange(await db.Lessons.Select(l => $"/admin/courses/{l.CourseId}/lessons/{l.Id}").ToListAsync());
            paths.AddRange(await db.Products.Select(p => "/admin/catalog/products/" + p.Id).ToListAsync());
            paths.AddRange(await db.Products.Select(p => "/products/" + p.Slug).ToListAsync());
        }
        paths.AddRange(["/pricing", "/", "/courses", "/content", "/admin/settings/stripe/import"]);

        var problems = new List<string>();
        var texts = new Dictionary<string, string>();
        foreach (var path in paths)
            problems.AddRange(Leaks(path, texts[path] = await GetTextAsync(fixture.Owner, path)));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The words are there instead: the test saw the rows it looks through.
        var history = texts[$"/admin/members/{fixture.Members["history"].Id}"];
        Assert.All(["Cancellation scheduled", "Cancellation withdrawn", "Plan changed", "Quantity changed", "Started active with 1 item.", "Set to cancel on 15 Nov 2026."], w => Assert.Contains(w, history));
        Assert.Contains("Past due", texts["/admin/dunning"]);
        Assert.Contains("1 module · 1 lesson", texts[$"/admin/courses/{fixture.ShortCourseId}"]);
        Assert.Contains("invoice.payment_failed Failed 2", await fixture.Owner.GetStringAsync("/admin/settings/webhooks").ContinueWith(t => VisibleText(t.Result.Replace("<code>", "").Replace("</code>", ""))));
        Assert.Contains("history.csv", texts["/admin/import"]);
    }

    [Fact]
    public async Task MemberPages_EveryStatusAndEventKind_ShowWordsNotCodes()
    {
        var problems = new List<string>();
        var texts = new Dictionary<string, string>();
        foreach (var (name, (id, _, client)) in fixture.Members)
        {
            List<Guid> invoices;
            await using (var db = await fixture.Db())
                invoices = await db.Invoices.Where(i => i.MemberId == id).Select(i => i.Id).ToListAsync();
            var paths = new List<string> { "/account", "/account/billing", "/account/boxes", "/account/addresses", "/courses", "/courses/quick-start", "/courses/quick-start/lessons/only-lesson", "/content" };
            paths.AddRange(invoices.Select(i => $"/account/billing/invoices/{i}"));
            foreach (var path in paths)
                problems.AddRange(Leaks($"{path} as {name}", texts[$"{path} as {name}"] = await GetTextAsync(client, path)));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("1 of 1 lesson", texts["/account as active"]);
        Assert.Contains("Partially refunded", texts["/account/billing as history"]);
    }

    /// <summary>bUnit waits a second by default; two busy cores running three test assemblies need longer.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task InteractivePages_EveryTabAndLoadedTable_ShowWordsNotCodes()
    {
        // What prerendering leaves out: the member page's other tabs, and tables that load once the circuit runs.
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        await using var bunit = new BunitContext();
        bunit.Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.Services.AddFallbackServiceProvider(scope.ServiceProvider);
        bunit.AddAuthorization().SetAuthorized(fixture.OwnerActor.Name).SetRoles(PortalRoles.Owner)
            .SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, fixture.OwnerActor.Id!));
        bunit.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        bunit.Render<MudPopoverProvider>();
        var dialogs = bunit.Render<MudDialogProvider>();
        var problems = new List<string>();

        foreach (var (name, (id, _, _)) in fixture.Members)
        {
            var page = bunit.Render<Web.Features.Members.Admin.Pages.MemberPage>(p => p.Add(x => x.Id, id));
            page.WaitForElement("[data-testid='member-name']", Patience);
            var tabs = page.FindAll(".mud-tab").Count;
            Assert.True(tabs >= 5, $"The member page shows {tabs} tabs.");
            var seen = "";
            for (var i = 0; i < tabs; i++)
            {
                page.FindAll(".mud-tab")[i].Click();
                var index = i;
                page.WaitForState(() => page.FindAll(".mud-tab")[index].ClassList.Contains("mud-tab-active"), Patience);
                var text = VisibleText(page.Markup);
                seen += text;
                problems.AddRange(Leaks($"/admin/members/{name} tab {i + 1}", text));
            }
            if (name == "history")
                Assert.All(["New subscription", "Renewal", "Plan change", "Partially refunded", "Void", "Succeeded", "Refunded"], w => Assert.Contains(w, seen));
            if (name == "box")
                Assert.Contains("October 2026", seen);
            if (name == "active")
                Assert.Contains("1 of 1 lesson", seen);
        }

        var audit = bunit.Render<Web.Features.Audit.Pages.AuditPage>();
        audit.WaitForAssertion(() => Assert.NotEmpty(audit.FindAll("[data-testid='audit-summary']")), Patience);
        problems.AddRange(Leaks("/admin/audit", VisibleText(audit.Markup)));
        Assert.Contains("23 Nov 2026 12:00", VisibleText(audit.Markup));
        Assert.All(["Theme changed", "After the grace period changed", "Mark unpaid", "Marketing spend, October 2026 changed", "1,200.00", "On"],
            w => Assert.Contains(w, VisibleText(audit.Markup)));

        var dashboard = bunit.Render<Web.Features.Analytics.Components.AnalyticsDashboard>();
        dashboard.WaitForElement("[data-testid='kpi-mrr-value']", Patience);
        problems.AddRange(Leaks("/admin dashboard", VisibleText(dashboard.Markup)));
        dashboard.FindAll("[data-testid$='-new'][data-testid^='bar-']").Last().Click();
        dialogs.WaitForElement("[data-testid='drill-row']", Patience);
        var drill = VisibleText(dialogs.Markup);
        problems.AddRange(Leaks("/admin dashboard, new MRR this month", drill));
        Assert.Contains("23 Nov 2026 words.active@example.test New $19.00", drill);
        Assert.DoesNotMatch(@"\([+-]?\d+\)", drill); // a change's amount in money, "(+$19.00)", never in cents
        Assert.Contains("(+$19.00)", drill);

        var members = bunit.Render<Web.Features.Members.Admin.Pages.MembersList>();
        members.WaitForAssertion(() => Assert.Contains("words.history@example.test", members.Markup), Patience);
        problems.AddRange(Leaks("/admin/members", VisibleText(members.Markup)));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task<string> GetTextAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {response.StatusCode} {response.Headers.Location}");
        return VisibleText(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The text a person reads: no markup, attribute values, comments (Blazor's state), scripts or styles. Literal names
    /// set as code (<c>&lt;code&gt;</c>, <c>&lt;pre&gt;</c>: CSV columns, Stripe event types) and template placeholders
    /// (<c>{{member.first_name}}</c>) are what the Owner types, so they are left out too.
    /// </summary>
    public static string VisibleText(string html)
    {
        var text = Regex.Replace(html, "<!--.*?-->", " ", RegexOptions.Singleline);
        text = Regex.Replace(text, @"<(script|style|template|code|pre)\b.*?</\1\s*>", " ", RegexOptions.Singleline | RegexOptions.IgnoreCase);
        text = Regex.Replace(text, @"\{\{.*?\}\}", " ");
        text = Regex.Replace(text, "<[^>]*>", " ");
        return Regex.Replace(WebUtility.HtmlDecode(text), @"\s+", " ");
    }

    /// <summary>Multi-word enum members of the portal's own assemblies (<c>PastDue</c>, <c>PlanChanged</c>): never words a person should read.</summary>
    private static readonly string[] Identifiers =
    [
        .. new[] { typeof(SubscriptionStatus).Assembly, typeof(InvoiceStatus).Assembly, typeof(Words).Assembly }
            .SelectMany(a => a.GetTypes()).Where(t => t.IsEnum && t.IsPublic)
            .SelectMany(Enum.GetNames).Where(n => PascalWords().Count(n) >= 2).Distinct(),
    ];

    public static IEnumerable<string> Leaks(string where, string text)
    {
        string At(Match m) => $"{where}: \"{m.Value}\" in “…{text.Substring(Math.Max(0, m.Index - 50), Math.Min(text.Length - Math.Max(0, m.Index - 50), m.Length + 100))}…”";
        foreach (var name in Identifiers)
            foreach (Match m in Regex.Matches(text, $@"\b{name}\b"))
                yield return At(m);
        foreach (Match m in SnakeCase().Matches(text))
            yield return At(m);
        foreach (Match m in IsoDate().Matches(text))
            yield return At(m);
        foreach (Match m in WrongPlural().Matches(text))
            yield return At(m);
        foreach (Match m in AuditActionCode().Matches(text))
            yield return At(m);
    }

    /// <summary>An audit action name as stored ("member.comp", "settings.change"), not an email address or a host.</summary>
    [GeneratedRegex(@"(?<![@\w.-])(?:member|catalog|content|course|settings|team|stripe|email|import|account|portal|billing|boxes|notices|analytics|dashboard)\.[a-z][a-z.-]*\b(?![@\w])")]
    private static partial Regex AuditActionCode();

    [GeneratedRegex("[A-Z][a-z0-9]+")]
    private static partial Regex PascalWords();

    [GeneratedRegex(@"\b[a-z]+(?:_[a-z0-9]+)+\b")]
    private static partial Regex SnakeCase();

    /// <summary>2026-11-23, 2026-11-23T12:00, 2026-11-23 12:00:00, and a bare cycle key such as 2026-11.</summary>
    [GeneratedRegex(@"\b\d{4}-\d{2}(?:-\d{2})?\b")]
    private static partial Regex IsoDate();

    /// <summary>"1 modules", "1 lessons", "1 item(s)".</summary>
    [GeneratedRegex(@"(?<![\d.,])\b1 (?:[a-z]+s|[a-z]+\(s\))(?![\w(])|\b[a-z]+\(s\)")]
    private static partial Regex WrongPlural();
}
