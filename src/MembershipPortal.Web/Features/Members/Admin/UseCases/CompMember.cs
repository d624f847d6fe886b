using MembershipPortal.Domain.Billing;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Infrastructure.Catalog;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Notifications;
using MembershipPortal.Web.Features.Shared;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members.Admin.UseCases;

/// <summary>Gives a member a product's access without charging them, until <see cref="Until"/> (no end when null).</summary>
public sealed record CompMember(string MemberId, Guid ProductId, DateTimeOffset? Until) : IUseCaseRequest
{
    public UseCase Describe() => UseCase.Admin("member.comp", MemberId);
}

public sealed class CompMemberHandler(IPaymentGateway gateway, NoticeQueue notices) : IUseCaseHandler<CompMember>
{
    public async Task<string> RunAsync(CompMember request, UseCaseScope uc)
    {
        var (db, now, ct, memberId, until) = (uc.Db, uc.Now, uc.Ct, request.MemberId, request.Until);
        if (until is { } u && u <= now)
            throw new UseCaseRefused("The comp must end in the future (or leave the date empty for no end).");
        if (!await db.Users.AnyAsync(x => x.Id == memberId, ct))
            throw new UseCaseRefused("This member no longer exists.");
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.ProductId, ct)
            ?? throw new UseCaseRefused("Choose a product to comp.");
        // A comped product the member pays for at Stripe stops being billed there: collection pauses until the comp ends
        // (Stripe voids the invoices meanwhile and resumes by itself), and the ledger shows the subscription paused.
        var billed = await StripeBilledAsync(gateway, db, memberId, request.ProductId, SubscriptionStatus.Active, ct);
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
        var comp = new Comp { MemberId = memberId, ProductId = request.ProductId, Until = until, GrantedBy = uc.Actor.Name, GrantedAt = now };
        db.Comps.Add(comp);
        await notices.QueueCompAsync(db, memberId, comp.Id, product.Name, until, await CompOpensAsync(db, product, until, now, ct), now, ct);
        var end = until is { } e ? $"until {e:d MMM yyyy}" : "with no end date";
        uc.AuditSummary = $"Comped {product.Name} {end}{(billed.Count > 0 ? " (Stripe billing paused)" : "")}";
        return $"{product.Name} comped {end}{(billed.Count > 0 ? "; Stripe's billing is paused until then" : "")}.";
    }

    /// <summary>
    /// What a comp of <paramref name="product"/> opens by itself, in words for the member's email: "2 articles, 1 video and
    /// 1 course, such as “Getting started”, …" (the content and courses published now whose rule the comp alone meets).
    /// </summary>
    private static async Task<string> CompOpensAsync(AppDbContext db, Product product, DateTimeOffset? until, DateTimeOffset now, CancellationToken ct)
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

    /// <summary>
    /// The member's subscriptions in <paramref name="status"/> that Stripe bills and that include <paramref name="productId"/>
    /// (a comp pauses their billing; <see cref="EndMemberCompHandler"/> resumes it).
    /// </summary>
    internal static async Task<List<(Subscription Sub, string GatewayId)>> StripeBilledAsync(IPaymentGateway gateway, AppDbContext db, string memberId,
        Guid productId, SubscriptionStatus status, CancellationToken ct)
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
}
