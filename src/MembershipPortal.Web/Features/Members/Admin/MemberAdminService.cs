using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Members;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin;

/// <summary>
/// What Owner and Staff do at /admin/members: find members (server-side filters, sort and paging, fast at 100,000),
/// read everything about one, and act on them. Every action is validated first and writes its change and one audit
/// entry in the same save; audit entries name the member by id only, so erasing a member leaves the trail anonymous.
/// </summary>
public sealed class MemberAdminService(
    IDbContextFactory<AppDbContext> dbFactory,
    IPaymentGateway gateway,
    AccessService access,
    AuditLog audit,
    CurrentActor actor,
    UserManager<ApplicationUser> users,
    IEmailSender<ApplicationUser> identityEmails,
    Billing.RenewalRun renewals,
    MemberErasure erasure,
    Notifications.PortalLinks links,
    Notifications.NoticeQueue notices,
    TimeProvider clock,
    UseCaseRunner runner)
{
    private static readonly SubscriptionStatus[] Live = [SubscriptionStatus.Active, SubscriptionStatus.Trialing, SubscriptionStatus.PastDue];

    // ---- List ---------------------------------------------------------------------------------------------------

    public async Task<MemberPage> ListAsync(MemberFilter filter, MemberSort sort, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter, clock.GetUtcNow());
        var total = await query.CountAsync(ct);
        query = sort switch
        {
            MemberSort.Oldest => query.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id),
            MemberSort.Email => query.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id),
            MemberSort.LastLogin => query.OrderByDescending(u => u.LastLoginAt).ThenBy(u => u.Id),
            _ => query.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id),
        };
        var users = await query.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200))
            .Select(u => new { u.Id, u.Email, u.FirstName, u.LastName, u.CreatedAt, u.LastLoginAt, u.LockoutEnd }).ToListAsync(ct);
        var rows = await RowsAsync(db, users.Select(u => (u.Id, u.Email ?? "", Name(u.FirstName, u.LastName), u.CreatedAt, u.LastLoginAt, u.LockoutEnd)).ToList(), ct);
        return new MemberPage(rows, total);
    }

    /// <summary>Every member the filter finds, for the CSV export, read in pages of 200.</summary>
    public async IAsyncEnumerable<MemberRow> AllAsync(MemberFilter filter, MemberSort sort, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var skip = 0; ; skip += 200)
        {
            var page = await ListAsync(filter, sort, skip, 200, ct);
            foreach (var row in page.Rows)
                yield return row;
            if (page.Rows.Count < 200)
                yield break;
        }
    }

    private IQueryable<ApplicationUser> Filtered(AppDbContext db, MemberFilter f, DateTimeOffset now)
    {
        var q = db.Users.AsNoTracking();
        if (!f.IncludeTeam)
            q = q.Where(u => !db.UserRoles.Any(ur => ur.UserId == u.Id
                && db.Roles.Any(r => r.Id == ur.RoleId && (r.Name == PortalRoles.Owner || r.Name == PortalRoles.Staff))));
        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var text = f.Search.Trim();
            if (text.Length > 100)
                text = text[..100];
            var like = "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            q = q.Where(u => EF.Functions.Like(u.Email!, like, "\\") || EF.Functions.Like(u.FirstName!, like, "\\") || EF.Functions.Like(u.LastName!, like, "\\"));
        }
        q = f.Status switch
        {
            MemberStatusFilter.NeverPaid => q.Where(u => !db.Subscriptions.Any(s => s.MemberId == u.Id)),
            MemberStatusFilter.Any => q,
            var status => q.Where(u => db.Subscriptions.Any(s => s.MemberId == u.Id && s.Status == ToStatus(status))),
        };
        if (f.ProductId is { } product)
            q = q.Where(u => db.Subscriptions.Any(s => s.MemberId == u.Id && s.Status != SubscriptionStatus.Canceled && s.Items.Any(i => i.ProductId == product)));
        if (f.AddOnId is { } addOn)
            q = q.Where(u => db.Subscriptions.Any(s => s.MemberId == u.Id && s.Status != SubscriptionStatus.Canceled && s.Items.Any(i => i.ProductId == addOn)));
        if (f.SignupMonth is { Length: > 0 } month && DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start))
        {
            var from = new DateTimeOffset(start, TimeSpan.Zero);
            var to = from.AddMonths(1);
            q = q.Where(u => u.CreatedAt >= from && u.CreatedAt < to);
        }
        if (f.AtRisk)
        {
            var (year, monthNext) = (now.AddMonths(1).Year, now.AddMonths(1).Month);
            var stale = now.AddDays(-30);
            q = q.Where(u => db.Subscriptions.Any(s => s.MemberId == u.Id && Live.Contains(s.Status)) && (
                db.Subscriptions.Any(s => s.MemberId == u.Id && s.Status == SubscriptionStatus.PastDue)
                || db.BillingProfiles.Any(p => p.MemberId == u.Id && p.CardExpYear != null && (p.CardExpYear < year || (p.CardExpYear == year && p.CardExpMonth <= monthNext)))
                || u.LastLoginAt == null || u.LastLoginAt < stale));
        }
        return q;
    }

    private static SubscriptionStatus ToStatus(MemberStatusFilter f) => f switch
    {
        MemberStatusFilter.Active => SubscriptionStatus.Active,
        MemberStatusFilter.Trialing => SubscriptionStatus.Trialing,
        MemberStatusFilter.PastDue => SubscriptionStatus.PastDue,
        MemberStatusFilter.Unpaid => SubscriptionStatus.Unpaid,
        MemberStatusFilter.Paused => SubscriptionStatus.Paused,
        _ => SubscriptionStatus.Canceled,
    };

    private async Task<List<MemberRow>> RowsAsync(AppDbContext db,
        List<(string Id, string Email, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt, DateTimeOffset? LockoutEnd)> users, CancellationToken ct)
    {
        var ids = users.Select(u => u.Id).ToList();
        var subs = await db.Subscriptions.AsNoTracking().Where(s => ids.Contains(s.MemberId))
            .Select(s => new { s.MemberId, s.Status, Products = s.Items.Select(i => i.ProductId).ToList() }).ToListAsync(ct);
        var cards = await db.BillingProfiles.AsNoTracking().Where(p => ids.Contains(p.MemberId))
            .Select(p => new { p.MemberId, p.CardExpYear, p.CardExpMonth }).ToDictionaryAsync(p => p.MemberId, ct);
        var productIds = subs.SelectMany(s => s.Products).Distinct().ToList();
        var names = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        // Members who came in with imported history (METRICS.md import) have no live subscription here.
        var imported = (await db.ImportedCustomers.AsNoTracking().Where(c => ids.Contains(c.MemberId)).Select(c => c.MemberId).ToListAsync(ct)).ToHashSet();
        var importedPlans = await ImportedPlansAsync(db, [.. imported.Where(id => !subs.Any(s => s.MemberId == id))], ct);
        var now = clock.GetUtcNow();
        var next = now.AddMonths(1);
        return users.Select(u =>
        {
            var mine = subs.Where(s => s.MemberId == u.Id).ToList();
            var best = mine.OrderBy(s => Rank(s.Status)).FirstOrDefault();
            var live = mine.Where(s => Live.Contains(s.Status)).ToList();
            var plans = mine.Count == 0 && importedPlans.TryGetValue(u.Id, out var before)
                ? before
                : string.Join(", ", (live.Count > 0 ? live : mine).SelectMany(s => s.Products).Distinct().Select(p => names.GetValueOrDefault(p, "?")));
            var risks = new List<string>();
            if (live.Count > 0)
            {
                if (live.Any(s => s.Status == SubscriptionStatus.PastDue))
                    risks.Add("Past due");
                if (cards.TryGetValue(u.Id, out var c) && c.CardExpYear is { } y && (y < next.Year || (y == next.Year && c.CardExpMonth <= next.Month)))
                    risks.Add("Card expiring");
                if (u.LastLoginAt is null || u.LastLoginAt < now.AddDays(-30))
                    risks.Add("No login for 30 days");
            }
            return new MemberRow(u.Id, u.Email, u.Name, best is not null ? StatusName(best.Status) : imported.Contains(u.Id) ? "Imported" : "Never paid", plans, u.CreatedAt, u.LastLoginAt,
                u.LockoutEnd is { } end && end > now, risks);
        }).ToList();
    }

    /// <summary>
    /// The plans imported members had on the platform they came from (METRICS.md history import), by member: each
    /// imported subscription's last plan code, those not cancelled when there are any, marked "(imported)".
    /// </summary>
    private static async Task<Dictionary<string, string>> ImportedPlansAsync(AppDbContext db, List<string> memberIds, CancellationToken ct)
    {
        if (memberIds.Count == 0)
            return [];
        var events = await (from c in db.ImportedCustomers.AsNoTracking()
                            where memberIds.Contains(c.MemberId)
                            join e in db.ImportedEvents.AsNoTracking() on c.CustomerId equals e.CustomerId
                            select new { c.MemberId, e.SubscriptionId, e.Event, e.PlanCode, e.ProductCode, e.OccurredAt, e.Id }).ToListAsync(ct);
        return events.GroupBy(e => e.MemberId).ToDictionary(m => m.Key, m =>
        {
            var subscriptions = m.GroupBy(e => e.SubscriptionId).Select(sub =>
            {
                var ordered = sub.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToList();
                var plan = ordered.LastOrDefault(e => e.PlanCode is not null || e.ProductCode is not null);
                return (Plan: plan?.PlanCode ?? plan?.ProductCode, Ended: ordered[^1].Event == "cancel");
            }).Where(x => x.Plan is not null).ToList();
            var shown = subscriptions.Any(x => !x.Ended) ? subscriptions.Where(x => !x.Ended) : subscriptions;
            return string.Join(", ", shown.Select(x => x.Plan).Distinct()) is { Length: > 0 } list ? $"{list} (imported)" : "";
        });
    }

    private static int Rank(SubscriptionStatus s) => s switch
    {
        SubscriptionStatus.Active => 0,
        SubscriptionStatus.Trialing => 1,
        SubscriptionStatus.PastDue => 2,
        SubscriptionStatus.Unpaid => 3,
        SubscriptionStatus.Paused => 4,
        SubscriptionStatus.Incomplete => 5,
        _ => 6,
    };

    public static string StatusName(SubscriptionStatus s) => s switch
    {
        SubscriptionStatus.PastDue => "Past due",
        _ => s.ToString(),
    };

    private static string Name(string? first, string? last) => $"{first} {last}".Trim();

    public async Task<IReadOnlyList<MemberProductChoice>> ProductsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.Products.AsNoTracking().Select(p => new { p.Id, p.Name, p.Kind }).ToListAsync(ct))
            .Select(p => new MemberProductChoice(p.Id, p.Name, p.Kind == ProductKind.AddOn)).OrderBy(p => p.IsAddOn).ThenBy(p => p.Name).ToList();
    }

    // ---- One member -------------------------------------------------------------------------------------------

    public async Task<MemberDetail?> DetailAsync(string memberId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == memberId, ct);
        if (user is null)
            return null;
        var now = clock.GetUtcNow();
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == memberId select r.Name!).ToListAsync(ct);
        var profile = await db.BillingProfiles.AsNoTracking().FirstOrDefaultAsync(p => p.MemberId == memberId, ct);
        var subs = await db.Subscriptions.AsNoTracking().Include(s => s.Items).Where(s => s.MemberId == memberId).ToListAsync(ct);
        // The next charge as the renewal will make it (shipping included, a skipped box left out), as the member sees it.
        var next = await renewals.NextChargesAsync(db, subs, ct);
        var productNames = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.MemberId == memberId).OrderByDescending(i => i.CreatedAt).Take(100).ToListAsync(ct);
        var payments = await db.Payments.AsNoTracking().Where(p => p.MemberId == memberId).OrderByDescending(p => p.At).Take(100).ToListAsync(ct);
        var refunded = payments.Where(p => p.Outcome == PaymentOutcome.Refunded).GroupBy(p => p.InvoiceId).ToDictionary(g => g.Key, g => -g.Sum(p => p.AmountMinor));

        var memberAccess = await access.ForMemberAsync(db, memberId, isStaff: false, ct);
        var items = await db.ContentItems.AsNoTracking().Where(c => c.PublishAt <= now).OrderBy(c => c.Title).Take(500).ToListAsync(ct);
        var courses = await db.Courses.AsNoTracking().Where(c => c.PublishAt <= now).OrderBy(c => c.Title).ToListAsync(ct);
        AccessLine Line(string kind, string title, string link, AccessLevel level, IReadOnlyCollection<Guid> products)
        {
            var (allowed, reason) = Decide(memberAccess, level, products, now);
            return new AccessLine(kind, title, link, allowed, reason);
        }
        var accessLines = items.Select(c => Line(c.Kind.ToString(), c.Title, $"/content/{c.Slug}", c.Access, c.RequiredProductIds))
            .Concat(courses.Select(c => Line("Course", c.Title, $"/courses/{c.Slug}", c.Access, c.RequiredProductIds))).ToList();

        var comps = await db.Comps.AsNoTracking().Where(c => c.MemberId == memberId).OrderByDescending(c => c.GrantedAt).ToListAsync(ct);
        var enrollments = await db.Enrollments.AsNoTracking().Where(e => e.MemberId == memberId).ToListAsync(ct);
        var courseIds = enrollments.Select(e => e.CourseId).ToList();
        var lessonCounts = await db.Lessons.AsNoTracking().Where(l => courseIds.Contains(l.CourseId)).GroupBy(l => l.CourseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var done = await db.LessonCompletions.AsNoTracking().Where(c => c.MemberId == memberId).GroupBy(c => c.CourseId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var courseTitles = await db.Courses.AsNoTracking().Where(c => courseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Title, ct);
        var emails = await db.Outbox.AsNoTracking().Where(o => o.MemberId == memberId).OrderByDescending(o => o.CreatedAt).Take(100)
            .Select(o => new EmailLine(o.Id, o.Kind, o.Subject, o.CreatedAt, o.Status.ToString(), o.SentAt)).ToListAsync(ct);
        var notes = await db.MemberNotes.AsNoTracking().Where(n => n.MemberId == memberId).OrderByDescending(n => n.At)
            .Select(n => new NoteLine(n.Id, n.AuthorName, n.Text, n.At)).ToListAsync(ct);
        var shipments = (await db.Shipments.AsNoTracking().Where(s => s.MemberId == memberId).OrderByDescending(s => s.Cycle).Take(60).ToListAsync(ct))
            .Select(s => new ShipmentLineView(s.Cycle, string.Join(", ", s.Lines.Select(l => $"{l.Quantity} × {l.Description}")), s.Status.ToString(),
                s.Carrier, s.TrackingNumber, s.ShippedAt, $"{s.Address.Name}, {s.Address.Line1}, {s.Address.City} {s.Address.PostalCode}, {s.Address.Country}")).ToList();

        return new MemberDetail(user.Id, user.Email ?? "", Name(user.FirstName, user.LastName), user.EmailConfirmed, user.CreatedAt, user.LastLoginAt,
            user.LockoutEnd is { } end && end > now, roles,
            profile?.CardLast4 is { } last4 ? $"{profile.CardBrand} ending {last4}, expires {profile.CardExpMonth:00}/{profile.CardExpYear}" : null,
            subs.OrderBy(s => Rank(s.Status)).ThenByDescending(s => s.StartedAt).Select(s => new SubscriptionDetail(s.Id, s.Status,
                string.Join(" + ", s.Items.Select(i => productNames.GetValueOrDefault(i.ProductId, "?") + (i.Quantity > 1 ? $" × {i.Quantity}" : ""))),
                next[s.Id], s.CurrentPeriodEnd, s.CancelAtPeriodEnd, s.PausedUntil, s.History.OrderByDescending(h => h.At).ToList())).ToList(),
            invoices.Select(i => new MemberInvoiceRow(i.Id, i.DisplayNumber, i.CreatedAt, new Money(i.TotalMinor, i.Currency), new Money(i.AmountRefundedMinor, i.Currency), i.Status.ToString(), i.Reason)).ToList(),
            payments.Select(p =>
            {
                var left = p.Outcome == PaymentOutcome.Succeeded ? p.AmountMinor - refunded.GetValueOrDefault(p.InvoiceId) : 0;
                return new PaymentLine(p.Id, p.InvoiceId, p.At, new Money(p.AmountMinor, p.Currency), p.Outcome.ToString(), p.CardLast4,
                    left > 0 && p.GatewayPaymentId is not null, new Money(Math.Max(0, left), p.Currency));
            }).ToList(),
            accessLines,
            comps.Select(c => new CompLine(c.Id, productNames.GetValueOrDefault(c.ProductId, "?"), c.Until, c.GrantedBy, c.GrantedAt, c.Until is null || c.Until > now)).ToList(),
            enrollments.Select(e => new CourseLine(courseTitles.GetValueOrDefault(e.CourseId, "?"), done.GetValueOrDefault(e.CourseId), lessonCounts.GetValueOrDefault(e.CourseId), e.EnrolledAt, e.CompletedAt)).ToList(),
            emails, notes)
        { Shipments = shipments };
    }

    private static (bool Allowed, Domain.Entitlements.AccessReason Reason) Decide(MemberAccess access, AccessLevel level, IReadOnlyCollection<Guid> products, DateTimeOffset now)
    {
        var decision = access.Decide(AccessService.RuleFor(level, products), now);
        return (decision.Allowed, decision.Reason);
    }

    // ---- Actions ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Every action below starts here: the acting user is checked against the database now (exists, not locked, holds
    /// the role; Staff act on members only; Owner-only actions need the Owner). A refusal changes nothing.
    /// </summary>
    private async Task<(AuditActor Who, Outcome? Refused)> ActorForAsync(string action, string memberId, CancellationToken ct)
    {
        try
        {
            return (await actor.RequireAsync(action, memberId, ct), null);
        }
        catch (ActionRefusedException ex)
        {
            return (AuditActor.Anonymous, Outcome.Fail(ex.Message));
        }
    }

    private void Audit(AppDbContext db, AuditActor who, string action, string summary, string memberId, string? before = null, string? after = null) =>
        audit.Add(db, who, action, summary, "member", memberId, before, after);

    public async Task<Outcome> CompAsync(string memberId, Guid productId, DateTimeOffset? until, CancellationToken ct = default)
    {
        if (until is { } u && u <= clock.GetUtcNow())
            return Outcome.Fail("The comp must end in the future (or leave the date empty for no end).");
        return await runner.RunAsync(UseCase.Admin("member.comp", memberId), async uc =>
        {
            var (db, now) = (uc.Db, uc.Now);
            if (!await db.Users.AnyAsync(x => x.Id == memberId, ct))
                throw new UseCaseRefused("This member no longer exists.");
            var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId, ct)
                ?? throw new UseCaseRefused("Choose a product to comp.");
            // A comped product the member pays for at Stripe stops being billed there: collection pauses until the comp ends
            // (Stripe voids the invoices meanwhile and resumes by itself), and the ledger shows the subscription paused.
            var billed = await StripeBilledAsync(db, memberId, productId, SubscriptionStatus.Active, ct);
            if (billed.Count > 0 && until is null)
                throw new UseCaseRefused($"{product.Name} is billed by Stripe: give the comp an end date (Stripe's billing pauses until then), or cancel the subscription.");
            try
            {
                foreach (var (sub, gid) in billed)
                {
                    await gateway.PauseSubscriptionAsync(gid, until, $"comp-pause:{sub.Id}:{sub.Version}", ct);
                    sub.Pause(until!.Value, now);
                }
            }
            catch (Infrastructure.Payments.Stripe.PaymentGatewayException ex)
            {
                throw new UseCaseRefused($"Stripe refused to pause the billing, so nothing changed: {ex.Message}");
            }
            var comp = new Comp { MemberId = memberId, ProductId = productId, Until = until, GrantedBy = uc.Actor.Name, GrantedAt = now };
            db.Comps.Add(comp);
            await notices.QueueCompAsync(db, memberId, comp.Id, product.Name, until, await CompOpensAsync(db, product, until, now, ct), now, ct);
            var end = until is { } e ? $"until {e:d MMM yyyy}" : "with no end date";
            uc.AuditSummary = $"Comped {product.Name} {end}{(billed.Count > 0 ? " (Stripe billing paused)" : "")}";
            return $"{product.Name} comped {end}{(billed.Count > 0 ? "; Stripe's billing is paused until then" : "")}.";
        }, ct);
    }

    /// <summary>
    /// What a comp of <paramref name="product"/> opens by itself, in words for the member's email: "2 articles, 1 video and
    /// 1 course, such as “Getting started”, …" (the content and courses published now whose rule the comp alone meets).
    /// </summary>
    private static async Task<string> CompOpensAsync(AppDbContext db, Infrastructure.Catalog.Product product, DateTimeOffset? until, DateTimeOffset now, CancellationToken ct)
    {
        var context = Domain.Entitlements.MemberAccessContext.SignedIn(comps: [new Domain.Entitlements.CompAccess(product.Id, until)]);
        bool Opens(AccessLevel level, IReadOnlyCollection<Guid> products) =>
            // Items for any signed-in account open without the comp; only product rules count.
            level == AccessLevel.Products && products.Count > 0 && Domain.Entitlements.EntitlementPolicy.Decide(AccessService.RuleFor(level, products), context, now).Allowed;
        var items = (await db.ContentItems.AsNoTracking().Where(c => c.PublishAt <= now).OrderBy(c => c.Title).Take(500).ToListAsync(ct))
            .Where(c => Opens(c.Access, c.RequiredProductIds)).ToList();
        var courses = (await db.Courses.AsNoTracking().Where(c => c.PublishAt <= now).OrderBy(c => c.Title).ToListAsync(ct))
            .Where(c => Opens(c.Access, c.RequiredProductIds)).ToList();
        var counts = items.GroupBy(i => i.Kind).OrderBy(g => g.Key)
            .Select(g => Words.Count(g.Count(), Words.Of(g.Key).ToLowerInvariant()))
            .Append(courses.Count > 0 ? Words.Count(courses.Count, "course") : null).OfType<string>().ToList();
        if (counts.Count == 0)
            return $"everything that comes with {product.Name}";
        var examples = courses.Select(c => c.Title).Concat(items.Select(i => i.Title)).Take(3).Select(t => $"“{t}”").ToList();
        return Words.List(counts) + (examples.Count > 0 ? ", such as " + Words.List(examples) : "");
    }

    /// <summary>The member's subscriptions in <paramref name="status"/> that Stripe bills and that include <paramref name="productId"/>.</summary>
    private async Task<List<(Subscription Sub, string GatewayId)>> StripeBilledAsync(AppDbContext db, string memberId, Guid productId, SubscriptionStatus status, CancellationToken ct)
    {
        if (!gateway.UsesHostedPages)
            return [];
        var subs = await db.Subscriptions.Include(s => s.Items).Where(s => s.MemberId == memberId && s.Status == status).ToListAsync(ct);
        subs = [.. subs.Where(s => s.Items.Any(i => i.ProductId == productId))];
        var ids = subs.Select(s => s.Id).ToList();
        var records = await db.SubscriptionRecords.Where(r => ids.Contains(r.SubscriptionId) && r.GatewaySubscriptionId != null)
            .ToDictionaryAsync(r => r.SubscriptionId, r => r.GatewaySubscriptionId!, ct);
        return [.. subs.Where(s => records.ContainsKey(s.Id)).Select(s => (s, records[s.Id]))];
    }

    public Task<Outcome> EndCompAsync(string memberId, Guid compId, CancellationToken ct = default) =>
        runner.RunAsync(UseCase.Admin("member.comp.end", memberId), async uc =>
        {
            var (db, now) = (uc.Db, uc.Now);
            var comp = await db.Comps.FirstOrDefaultAsync(c => c.Id == compId && c.MemberId == memberId, ct)
                ?? throw new UseCaseRefused("This comp no longer exists.");
            // Stripe's billing, paused for this comp, resumes now.
            var paused = comp.Until is { } compEnd
                ? (await StripeBilledAsync(db, memberId, comp.ProductId, SubscriptionStatus.Paused, ct)).Where(b => b.Sub.PausedUntil == compEnd).ToList()
                : [];
            try
            {
                foreach (var (sub, gid) in paused)
                {
                    await gateway.PauseSubscriptionAsync(gid, null, $"comp-resume:{sub.Id}:{sub.Version}", ct);
                    sub.Resume(now);
                }
            }
            catch (Infrastructure.Payments.Stripe.PaymentGatewayException ex)
            {
                throw new UseCaseRefused($"Stripe refused to resume the billing, so the comp goes on: {ex.Message}");
            }
            uc.AuditBefore = comp.Until is { } until ? Words.DateTime(until) : "no end";
            uc.AuditAfter = Words.DateTime(now);
            uc.AuditSummary = "Ended a comp";
            comp.Until = now;
            return "Comp ended.";
        }, ct);

    /// <summary>Cancels a subscription at once (access ends now); at the gateway too when Stripe bills it.</summary>
    public Task<Outcome> CancelNowAsync(string memberId, Guid subscriptionId, CancellationToken ct = default) =>
        runner.RunAsync(UseCase.Admin("member.subscription.cancel-now", memberId), async uc =>
        {
            var db = uc.Db;
            var sub = await OwnedSubscription.FindAsync(db, memberId, subscriptionId, ct) ?? throw new UseCaseRefused("Subscription not found.");
            var record = await db.SubscriptionRecords.FirstOrDefaultAsync(r => r.SubscriptionId == sub.Id, ct);
            if (gateway.UsesHostedPages && record?.GatewaySubscriptionId is { } gid)
                await gateway.CancelSubscriptionAsync(gid, CancelMode.Immediately, $"staff-cancel:{sub.Id}:{sub.Version}", ct);
            uc.AuditBefore = Words.Of(sub.Status);
            sub.CancelNow(uc.Now, "Cancelled by staff");
            (uc.AuditSummary, uc.AuditAfter) = ($"Cancelled subscription {sub.Id} at once", Words.Of(sub.Status));
            return "Subscription cancelled; access has ended.";
        }, ct);

    /// <summary>Refunds all or part of a payment through the gateway and records it on the invoice.</summary>
    public Task<Outcome> RefundAsync(string memberId, Guid paymentId, long amountMinor, CancellationToken ct = default) =>
        runner.RunAsync(UseCase.Admin("member.refund", memberId), async uc =>
        {
            var db = uc.Db;
            var payment = await db.Payments.FirstOrDefaultAsync(p => p.Id == paymentId && p.MemberId == memberId, ct);
            if (payment is null || payment.Outcome != PaymentOutcome.Succeeded || payment.GatewayPaymentId is null)
                throw new UseCaseRefused("Only a successful card payment can be refunded.");
            var already = -await db.Payments.Where(p => p.InvoiceId == payment.InvoiceId && p.Outcome == PaymentOutcome.Refunded).SumAsync(p => p.AmountMinor, ct);
            var left = payment.AmountMinor - already;
            if (amountMinor <= 0 || amountMinor > left)
                throw new UseCaseRefused($"Refund between {new Money(1, payment.Currency).Display()} and {new Money(left, payment.Currency).Display()}.");
            var amount = new Money(amountMinor, payment.Currency);
            var refund = await gateway.RefundAsync(new RefundRequest(payment.GatewayPaymentId, amount, $"staff-refund:{payment.Id}:{already}:{amountMinor}"), ct);
            if (!refund.Succeeded)
                throw new UseCaseRefused(refund.FailureMessage ?? "The gateway refused the refund.");
            uc.AuditSummary = $"Refunded {amount.Display()} of payment {payment.Id}";
            // Stripe's charge.refunded may have recorded this refund (by its id) while the call returned; it is not recorded twice.
            if (refund.RefundId is { } refundId && await db.Payments.AnyAsync(p => p.GatewayPaymentId == refundId && p.Outcome == PaymentOutcome.Refunded, ct))
                return $"Refunded {amount.Display()}.";
            var row = new Payment
            {
                InvoiceId = payment.InvoiceId,
                MemberId = memberId,
                AmountMinor = -amountMinor,
                Currency = payment.Currency,
                Outcome = PaymentOutcome.Refunded,
                At = uc.Now,
                GatewayPaymentId = refund.RefundId,
                CardLast4 = payment.CardLast4,
            };
            db.Payments.Add(row);
            if (await db.Invoices.FirstOrDefaultAsync(i => i.Id == payment.InvoiceId, ct) is { } invoice)
            {
                invoice.AmountRefundedMinor += amountMinor;
                invoice.Status = invoice.AmountRefundedMinor >= invoice.AmountPaidMinor ? InvoiceStatus.Refunded : InvoiceStatus.PartiallyRefunded;
                // Keyed by the gateway's refund id: Stripe's charge.refunded for this refund finds the row and sends nothing more.
                await notices.QueueRefundAsync(db, invoice, row, uc.Now, ct);
            }
            return $"Refunded {amount.Display()}.";
        }, ct);

    /// <summary>Queues a copy of an email the member was sent (a fresh outbox row; the original stays as it was).</summary>
    public Task<Outcome> ResendEmailAsync(string memberId, Guid outboxId, CancellationToken ct = default) =>
        runner.RunAsync(UseCase.Admin("member.email.resend", memberId), async uc =>
        {
            var original = await uc.Db.Outbox.AsNoTracking().FirstOrDefaultAsync(o => o.Id == outboxId && o.MemberId == memberId, ct)
                ?? throw new UseCaseRefused("That email is not in this member's history.");
            uc.Db.Outbox.Add(OutboxMessage.Create($"resend:{original.Id:N}:{Guid.NewGuid():N}", original.Kind,
                new Infrastructure.Email.EmailMessage(original.ToAddress, original.Subject, original.HtmlBody, original.TextBody, ToName: original.ToName), uc.Now, memberId, original.SubscriptionId, original.UnsubscribeUrl));
            uc.AuditSummary = $"Resent the “{original.Kind}” email";
            return "Email queued again.";
        }, ct);

    public Task<Outcome> ResendConfirmationAsync(string memberId, CancellationToken ct = default) =>
        runner.RunAsync(UseCase.Admin("member.email.confirmation", memberId), async uc =>
        {
            var user = await users.FindByIdAsync(memberId);
            if (user?.Email is null)
                throw new UseCaseRefused("This member has no email address.");
            if (user.EmailConfirmed)
                throw new UseCaseRefused("This member's address is already confirmed.");
            var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GenerateEmailConfirmationTokenAsync(user)));
            var link = QueryHelpers.AddQueryString(links.Absolute("Account/ConfirmEmail"),
                new Dictionary<string, string?> { ["userId"] = user.Id, ["code"] = code });
            await identityEmails.SendConfirmationLinkAsync(user, user.Email, HtmlEncoder.Default.Encode(link));
            uc.AuditSummary = "Resent the email confirmation link";
            return "Confirmation email sent.";
        }, ct);

    /// <summary>Locks (no sign-in, current sessions end within a minute) or unlocks the account.</summary>
    public Task<Outcome> SetLockedAsync(string memberId, bool locked, CancellationToken ct = default) =>
        runner.RunAsync(UseCase.Admin(locked ? "member.lock" : "member.unlock", memberId), async uc =>
        {
            if (locked && uc.Actor.Id == memberId)
                throw new UseCaseRefused("You cannot lock your own account.");
            var user = await uc.Db.Users.FirstOrDefaultAsync(u => u.Id == memberId, ct) ?? throw new UseCaseRefused("This member no longer exists.");
            if (locked && await IsOwnerAsync(uc.Db, memberId, ct) && uc.Actor.Role != PortalRoles.Owner)
                throw new UseCaseRefused("Only the Owner can lock the Owner.");
            user.LockoutEnabled = true;
            user.LockoutEnd = locked ? DateTimeOffset.MaxValue : null;
            user.AccessFailedCount = 0;
            user.SecurityStamp = Guid.NewGuid().ToString("N"); // ends existing sessions at their next validation
            uc.AuditSummary = locked ? "Locked the account" : "Unlocked the account";
            return locked ? "Account locked." : "Account unlocked.";
        }, ct);

    /// <summary>Everything the portal holds about the member, as JSON (the data-subject export).</summary>
    public async Task<byte[]?> ExportAsync(string memberId, CancellationToken ct = default)
    {
        var (who, refused) = await ActorForAsync("member.export", memberId, ct);
        if (refused is not null)
            return null;
        var detail = await DetailAsync(memberId, ct);
        if (detail is null)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shipping = await db.SubscriptionRecords.AsNoTracking().Where(r => db.Subscriptions.Any(s => s.Id == r.SubscriptionId && s.MemberId == memberId))
            .Select(r => r.ShippingAddress).Where(a => a != null).ToListAsync(ct);
        var addressBook = await db.MemberAddresses.AsNoTracking().Where(a => a.MemberId == memberId).OrderBy(a => a.CreatedAt)
            .Select(a => new { a.Label, a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country }).ToListAsync(ct);
        Audit(db, who, "member.export", "Exported the member's data", memberId);
        await db.SaveChangesAsync(ct);
        var document = new
        {
            exportedAt = clock.GetUtcNow(),
            profile = new { detail.Id, detail.Email, detail.Name, detail.EmailConfirmed, detail.JoinedAt, detail.LastLoginAt, detail.Roles, card = detail.Card },
            subscriptions = detail.Subscriptions.Select(s => new
            {
                s.Id,
                status = s.Status.ToString(),
                s.Plans,
                next = s.NextAmount.Display(),
                s.CurrentPeriodEnd,
                s.CancelAtPeriodEnd,
                s.PausedUntil,
                timeline = s.Timeline.Select(t => new { t.At, kind = t.Kind.ToString(), from = t.FromStatus?.ToString(), to = t.ToStatus.ToString(), t.Detail })
            }),
            invoices = detail.Invoices.Select(i => new { i.Number, i.CreatedAt, total = i.Total.Display(), refunded = i.Refunded.Display(), i.Status }),
            payments = detail.Payments.Select(p => new { p.At, amount = p.Amount.Display(), p.Outcome, p.Card }),
            shippingAddresses = shipping,
            addressBook,
            comps = detail.Comps.Select(c => new { c.Product, c.Until, c.GrantedAt }),
            courses = detail.Courses,
            emails = detail.Emails.Select(e => new { e.Kind, e.Subject, e.CreatedAt, e.SentAt }),
            staffNotes = detail.Notes.Select(n => new { n.At, n.Text }),
            shipments = detail.Shipments,
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
    }

    /// <summary>
    /// Erases the member's personal data (<see cref="MemberErasure"/>). The Owner erases members and Staff from here;
    /// an Owner's account is never erased from the admin pages.
    /// </summary>
    public async Task<Outcome> DeleteAsync(string memberId, CancellationToken ct = default)
    {
        var (who, refused) = await ActorForAsync("member.delete", memberId, ct);
        if (refused is not null)
            return refused;
        if (who.Id == memberId)
            return Outcome.Fail("You cannot delete your own account here.");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            if (await IsOwnerAsync(db, memberId, ct))
                return Outcome.Fail("The Owner's account cannot be deleted.");
        var erased = await erasure.EraseAsync(memberId, who, ct);
        return erased.Succeeded ? Outcome.Ok("Member erased. Their invoices stay in the books without personal data.") : erased;
    }

    private static Task<bool> IsOwnerAsync(AppDbContext db, string memberId, CancellationToken ct) =>
        (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == memberId && r.Name == PortalRoles.Owner select ur).AnyAsync(ct);
}
