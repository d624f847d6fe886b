using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// The one query for "this member's own subscription": found by id and owner together, so another member's id finds
/// nothing, with its items loaded. Tracked for a change, untracked for a read.
/// </summary>
public static class OwnedSubscription
{
    public static async Task<Subscription?> FindAsync(AppDbContext db, string memberId, Guid subscriptionId, CancellationToken ct, bool tracking = true)
    {
        var query = db.Subscriptions.Include(s => s.Items).Where(s => s.Id == subscriptionId && s.MemberId == memberId);
        return await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(ct);
    }
}
