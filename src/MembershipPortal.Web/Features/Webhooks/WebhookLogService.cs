using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments.Stripe.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Webhooks;

/// <summary>
/// The Owner's webhook page: the last Stripe events the portal ignored (not its own) or could not apply yet (Stripe
/// retries them). Owner only, checked here when it runs as well as on the page.
/// </summary>
public sealed class WebhookLogService(IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>The newest first; null unless <paramref name="actor"/> is the Owner.</summary>
    public async Task<IReadOnlyList<WebhookLogRow>?> RecentAsync(AuditActor actor, CancellationToken ct = default)
    {
        if (actor.Role != PortalRoles.Owner)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await WebhookEventLog.ReadAsync(db, ct);
    }
}
