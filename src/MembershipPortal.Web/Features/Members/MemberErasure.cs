using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Billing;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Web.Features.Members.Admin;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Members;

/// <summary>
/// Erases a member's personal data in one transaction, for the Owner's erase at /admin/members and for a member
/// deleting their own account alike: live subscriptions end now (at the gateway too), the account is anonymised and
/// locked, their notes, comps, emails, opt-outs, saved card and addresses go. Invoices and payments stay (the books
/// need them) under the anonymous account id, with their totals unchanged. The last Owner is never erased.
/// </summary>
public sealed class MemberErasure(IDbContextFactory<AppDbContext> dbFactory, IPaymentGateway gateway, AuditLog audit, TimeProvider clock)
{
    /// <summary>A member deleting their own account (or anyone acting as <paramref name="who"/>): erased and audited in one save.</summary>
    public async Task<Outcome> EraseAsync(string memberId, AuditActor who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            await StageAsync(db, memberId, clock.GetUtcNow(), ct);
        }
        catch (UseCaseRefused refused)
        {
            return Outcome.Fail(refused.Message);
        }
        if (who.Id == memberId)
            audit.Add(db, who, AdminAccess.SelfDelete, "Deleted their own account; invoices kept anonymised", "member", memberId);
        else
            audit.Add(db, who, "member.delete", "Erased the member's personal data; invoices kept anonymised", "member", memberId);
        await db.SaveChangesAsync(ct);
        return Outcome.Ok("Account erased.");
    }

    /// <summary>
    /// Stages the erasure on <paramref name="db"/> (the caller saves it, with its audit entry); a member who no longer
    /// exists or the last Owner is refused with <see cref="UseCaseRefused"/>. Live subscriptions are cancelled at the
    /// gateway before the save.
    /// </summary>
    public async Task StageAsync(AppDbContext db, string memberId, DateTimeOffset now, CancellationToken ct = default)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == memberId, ct)
            ?? throw new UseCaseRefused("This member no longer exists.");
        if (await IsLastOwnerAsync(db, memberId, ct))
            throw new UseCaseRefused("You are the only Owner: make someone else Owner at /admin/settings/team before deleting this account.");
        var email = user.Email;

        foreach (var sub in await db.Subscriptions.Include(s => s.Items).Where(s => s.MemberId == memberId && s.Status != SubscriptionStatus.Canceled).ToListAsync(ct))
        {
            var record = await db.SubscriptionRecords.FirstOrDefaultAsync(r => r.SubscriptionId == sub.Id, ct);
            if (gateway.UsesHostedPages && record?.GatewaySubscriptionId is { } gid)
                await gateway.CancelSubscriptionAsync(gid, CancelMode.Immediately, $"erase-cancel:{sub.Id}:{sub.Version}", ct);
            sub.CancelNow(now, "Member erased");
        }
        foreach (var record in await db.SubscriptionRecords.Where(r => db.Subscriptions.Any(s => s.Id == r.SubscriptionId && s.MemberId == memberId)).ToListAsync(ct))
        {
            record.ShippingAddress = null;
            record.AddressId = null;
            record.CancelFeedback = null;
        }
        db.MemberAddresses.RemoveRange(await db.MemberAddresses.Where(a => a.MemberId == memberId).ToListAsync(ct));
        if (await db.BillingProfiles.FirstOrDefaultAsync(p => p.MemberId == memberId, ct) is { } profile)
        {
            profile.CardBrand = profile.CardLast4 = profile.TestCardToken = null;
            profile.CardExpMonth = profile.CardExpYear = null;
        }
        foreach (var payment in await db.Payments.Where(p => p.MemberId == memberId && p.CardLast4 != null).ToListAsync(ct))
            payment.CardLast4 = null;
        foreach (var shipment in await db.Shipments.Where(s => s.MemberId == memberId).ToListAsync(ct))
            shipment.Address = new ShippingAddress { Name = "erased", Line1 = "erased", City = "erased", PostalCode = "-", Country = shipment.Address.Country };
        db.MemberNotes.RemoveRange(await db.MemberNotes.Where(n => n.MemberId == memberId).ToListAsync(ct));
        db.Comps.RemoveRange(await db.Comps.Where(c => c.MemberId == memberId).ToListAsync(ct));
        db.Outbox.RemoveRange(await db.Outbox.Where(o => o.MemberId == memberId || o.ToAddress == email).ToListAsync(ct));
        var normalized = email?.ToUpperInvariant();
        db.EmailOptOuts.RemoveRange(await db.EmailOptOuts.Where(o => o.MemberId == memberId || o.NormalizedEmail == normalized).ToListAsync(ct));
        foreach (var imported in await db.ImportedCustomers.Where(c => c.MemberId == memberId).ToListAsync(ct))
            imported.Email = $"erased-{memberId}";
        db.UserLogins.RemoveRange(await db.UserLogins.Where(l => l.UserId == memberId).ToListAsync(ct));
        db.UserTokens.RemoveRange(await db.UserTokens.Where(t => t.UserId == memberId).ToListAsync(ct));
        db.UserClaims.RemoveRange(await db.UserClaims.Where(c => c.UserId == memberId).ToListAsync(ct));
        db.UserRoles.RemoveRange(await db.UserRoles.Where(r => r.UserId == memberId).ToListAsync(ct));
        db.UserPasskeys.RemoveRange(await db.UserPasskeys.Where(p => p.UserId == memberId).ToListAsync(ct));

        var placeholder = $"erased-{memberId}@erased.invalid";
        user.Email = user.UserName = placeholder;
        user.NormalizedEmail = user.NormalizedUserName = placeholder.ToUpperInvariant();
        user.FirstName = user.LastName = null;
        user.PhoneNumber = null;
        user.PasswordHash = null;
        user.EmailConfirmed = false;
        user.PrefersDarkMode = null;
        user.LockoutEnabled = true;
        user.LockoutEnd = DateTimeOffset.MaxValue;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.ConcurrencyStamp = Guid.NewGuid().ToString("N");
    }

    /// <summary>True when <paramref name="userId"/> is an Owner and no other unlocked Owner exists.</summary>
    public static async Task<bool> IsLastOwnerAsync(AppDbContext db, string userId, CancellationToken ct = default)
    {
        var owners = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            join u in db.Users on ur.UserId equals u.Id
                            where r.Name == PortalRoles.Owner
                            select u).AsNoTracking().ToListAsync(ct);
        return owners.Any(o => o.Id == userId) && !owners.Any(o => o.Id != userId && !AdminAccess.IsLocked(o));
    }
}
