using System.Globalization;
using System.Text.Json;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Common;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Audit;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin;

/// <summary>
/// What Owner and Staff do at /admin/members: find members (server-side filters, sort and paging, fast at 100,000),
/// read everything about one, and export their data. What Owner and Staff do to a member is a use case each, under
/// <c>UseCases/</c>; audit entries name the member by id only, so erasing a member leaves the trail anonymous.
/// </summary>
public sealed class MemberAdminService(
    IDbContextFactory<AppDbContext> dbFactory,
    AccessService access,
    AuditLog audit,
    CurrentActor actor,
    Billing.RenewalRun renewals,
    TimeProvider clock)
{
    private static readonly SubscriptionStatus[] Live = [SubscriptionStatus.Active, SubscriptionStatus.Trialing, SubscriptionStatus.PastDue];

    // ---- List ---------------------------------------------------------------------------------------------------

    public async Task<MemberPage> ListAsync(MemberFilter filter, MemberSort sort, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filtered(db, filter, clock.GetUtcNow());
        // The Owner and Staff (a handful of accounts) are left out by id: a NOT EXISTS over the roles for each of 100,000
        // rows made the first page 380 ms instead of 1 ms. The total is every match less the team's matches.
        var total = await query.CountAsync(ct);
        if (!filter.IncludeTeam && await TeamIdsAsync(db, ct) is { Count: > 0 } team)
        {
            total -= await query.CountAsync(u => team.Contains(u.Id), ct);
            query = query.Where(u => !team.Contains(u.Id));
        }
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

    /// <summary>The Owner's and Staff's account ids.</summary>
    private static Task<List<string>> TeamIdsAsync(AppDbContext db, CancellationToken ct) =>
        (from ur in db.UserRoles
         join r in db.Roles on ur.RoleId equals r.Id
         where r.Name == PortalRoles.Owner || r.Name == PortalRoles.Staff
         select ur.UserId).Distinct().ToListAsync(ct);

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
    /// The export starts here: the acting user is checked against the database now (exists, not locked, holds the role;
    /// Staff act on members only; Owner-only actions need the Owner). A refusal changes nothing.
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
}
