using System.Text;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Accounts;

/// <summary>
/// Counts a failed password like Identity does and, when that failure locks the account, mails the holder a one-time
/// unlock link (<see cref="AccountUnlock"/>). Lockout alone is a weapon: anyone could keep the Owner out forever.
/// </summary>
public sealed class PortalUserManager : UserManager<ApplicationUser>
{
    // The scope's provider: AccountUnlock needs this very UserManager, so it is resolved when a lockout happens.
    private readonly IServiceProvider scope;

    public PortalUserManager(
        IUserStore<ApplicationUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<ApplicationUser> passwordHasher,
        IEnumerable<IUserValidator<ApplicationUser>> userValidators, IEnumerable<IPasswordValidator<ApplicationUser>> passwordValidators,
        ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<ApplicationUser>> logger)
        : base(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger) =>
        scope = services;

    public override async Task<IdentityResult> AccessFailedAsync(ApplicationUser user)
    {
        var lockedUntil = user.LockoutEnd;
        var result = await base.AccessFailedAsync(user);
        // Identity sets a new lockout end only on the failure that reaches the limit: one mail per lockout.
        if (result.Succeeded && user.LockoutEnd is { } end && end != lockedUntil && !AdminAccess.IsLocked(user))
            await scope.GetRequiredService<AccountUnlock>().SendLinkAsync(user);
        return result;
    }
}

/// <summary>
/// The way back in for the real holder of a locked account: a link mailed to the account's address that lifts the
/// lockout and signs in with the password. The token is Identity's (signed, expires with the other account tokens),
/// bound to the security stamp, which the redemption changes: it works once, and a parallel second use fails on the
/// concurrency stamp. The attacker's client stays throttled by the rate limiter.
/// </summary>
public sealed class AccountUnlock(UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, IdentityEmailSender emails,
    PortalLinks links, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<AccountUnlock> logger)
{
    public const string Purpose = "UnlockAccount";

    /// <summary>At most one unlock mail per account in this time, however long an attack goes on; the last link stays valid.</summary>
    public static readonly TimeSpan MailAtMostEvery = TimeSpan.FromHours(1);

    public async Task SendLinkAsync(ApplicationUser user)
    {
        if (user.Email is null || AdminAccess.IsLocked(user))
            return;
        var since = clock.GetUtcNow() - MailAtMostEvery;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var kind = NoticeCatalog.Get(NoticeKind.AccountLocked).Key;
            var recent = await db.Outbox.AsNoTracking().Where(o => o.MemberId == user.Id && o.Kind == kind).Select(o => o.CreatedAt).ToListAsync();
            if (recent.Any(at => at > since))
                return;
        }
        var token = await users.GenerateUserTokenAsync(user, TokenOptions.DefaultProvider, Purpose);
        var link = QueryHelpers.AddQueryString(links.Absolute("Account/Unlock"), new Dictionary<string, string?>
        {
            ["userId"] = user.Id,
            ["code"] = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token)),
        });
        logger.LogWarning("Account {UserId} locked after failed sign-ins; unlock link mailed.", user.Id);
        await emails.SendLinkAsync(NoticeKind.AccountLocked, user, user.Email, link);
    }

    /// <summary>The account the link is for, or null when the link is forged, expired or already used.</summary>
    public async Task<ApplicationUser?> CheckLinkAsync(string? userId, string? code)
    {
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(code))
            return null;
        var user = await users.FindByIdAsync(userId);
        if (user is null || AdminAccess.IsLocked(user) || Decode(code) is not { } token)
            return null;
        return await users.VerifyUserTokenAsync(user, TokenOptions.DefaultProvider, Purpose, token) ? user : null;
    }

    /// <summary>
    /// Lifts the lockout and signs in when the link is good and the password right; the link is spent only then.
    /// A wrong password here does not count towards a new lockout (the link proves the mailbox) but is rate limited.
    /// </summary>
    public async Task<SignInResult> RedeemAsync(string? userId, string? code, string password)
    {
        var user = await CheckLinkAsync(userId, code);
        if (user is null || !await users.CheckPasswordAsync(user, password))
            return SignInResult.Failed;
        // Each update checks the concurrency stamp: of two parallel redemptions only one gets past here.
        if (!(await users.SetLockoutEndDateAsync(user, null)).Succeeded)
            return SignInResult.Failed;
        if (!(await users.ResetAccessFailedCountAsync(user)).Succeeded)
            return SignInResult.Failed;
        if (!(await users.UpdateSecurityStampAsync(user)).Succeeded)
            return SignInResult.Failed;
        return await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false);
    }

    private static string? Decode(string code)
    {
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
