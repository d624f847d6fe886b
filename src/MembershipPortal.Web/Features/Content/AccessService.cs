using System.Security.Claims;
using MembershipPortal.Domain.Entitlements;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content;

/// <summary>Who is asking and what their subscriptions allow, read from the database for this request.</summary>
public sealed record MemberAccess(string? MemberId, bool IsStaff, MemberAccessContext Context)
{
    public static readonly MemberAccess Anonymous = new(null, false, MemberAccessContext.Anonymous);

    public AccessDecision Decide(AccessRule rule, DateTimeOffset now) =>
        IsStaff ? AccessDecision.Allow(AccessReason.Staff) : EntitlementPolicy.Decide(rule, Context, now);

    public bool HasPastDue => Context.Subscriptions.Any(s => s.Status == Domain.Billing.SubscriptionStatus.PastDue || s.Status == Domain.Billing.SubscriptionStatus.Unpaid);
}

/// <summary>
/// Builds the access context per request from current subscription state and comps. Never from claims: the sign-in
/// cookie outlives a cancellation or a failed payment.
/// </summary>
public sealed class AccessService(IDbContextFactory<AppDbContext> dbFactory, BillingSettings settings, IHttpContextAccessor http)
{
    private static readonly object MemoKey = new();

    /// <summary>
    /// The member's access for this request. One server render asks more than once (the page, and the layout's past-due
    /// banner), so within one plain HTTP request the first answer is shared. Inside an interactive circuit every call
    /// reads the database again: the circuit outlives any request, and each click must see the current state.
    /// </summary>
    public async Task<MemberAccess> ForAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        var memberId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (user.Identity?.IsAuthenticated != true || memberId is null)
            return MemberAccess.Anonymous;
        var isStaff = user.IsInRole(PortalRoles.Owner) || user.IsInRole(PortalRoles.Staff);
        var request = http.HttpContext is { } context && !context.WebSockets.IsWebSocketRequest
            && !context.Request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase) ? context : null;
        if (request?.Items[MemoKey] is MemberAccess memo && memo.MemberId == memberId && memo.IsStaff == isStaff)
            return memo;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var access = await ForMemberAsync(db, memberId, isStaff, ct);
        if (request is not null)
            request.Items[MemoKey] = access;
        return access;
    }

    public async Task<MemberAccess> ForMemberAsync(AppDbContext db, string memberId, bool isStaff, CancellationToken ct = default)
    {
        // A projection: the subscription aggregate would also load its whole history.
        var subs = await db.Subscriptions.AsNoTracking().Where(s => s.MemberId == memberId)
            .Select(s => new { s.Status, s.StartedAt, s.CurrentPeriodEnd, s.FirstFailedPaymentAt, Products = s.Items.Select(i => i.ProductId).ToList() })
            .ToListAsync(ct);
        var comps = await db.Comps.AsNoTracking().Where(c => c.MemberId == memberId).Select(c => new CompAccess(c.ProductId, c.Until)).ToListAsync(ct);
        var policy = await settings.GetAsync(ct);
        var context = MemberAccessContext.SignedIn(
            subs.Select(s => new SubscriptionAccess(s.Status, s.Products.ToHashSet(), s.StartedAt, s.CurrentPeriodEnd, s.FirstFailedPaymentAt)).ToList(),
            comps, policy.GraceDays);
        return new MemberAccess(memberId, isStaff, context);
    }

    public static AccessRule RuleFor(AccessLevel level, IReadOnlyCollection<Guid> products) => level switch
    {
        AccessLevel.Public => AccessRule.Public,
        AccessLevel.Members => AccessRule.Members,
        // A product rule with no products would lock an item for everyone; the editor refuses it, and old rows fall back to members.
        _ when products.Count == 0 => AccessRule.Members,
        _ => AccessRule.RequiresAnyOf([.. products]),
    };
}
