using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Settings;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Setup;

public sealed record SetupResult(bool Succeeded, IReadOnlyList<string> Errors, ApplicationUser? User = null)
{
    public static SetupResult Fail(params string[] errors) => new(false, errors);
}

/// <summary>Remembers, per app instance, that an Owner exists, so the /setup gate costs no query once set up.</summary>
public sealed class OwnerPresence
{
    public volatile bool Known;
}

/// <summary>
/// Creates Owner accounts: the first one through /setup, any later through the command line (the recovery path).
/// The first Owner leaves a persisted "set up" mark; /setup opens only on a database that never had one, so deleting
/// or demoting every Owner can never reopen it.
/// </summary>
public sealed class OwnerSetupService(UserManager<ApplicationUser> users, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, OwnerPresence presence)
{
    /// <summary>The settings row that says this database has had an Owner.</summary>
    public const string SetUpKey = "portal.set-up";

    /// <summary>True once the database has ever had an Owner.</summary>
    public async Task<bool> IsSetUpAsync(CancellationToken ct = default)
    {
        if (presence.Known)
            return true;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var setUp = await db.Settings.AnyAsync(s => s.Key == SetUpKey, ct) || await MarkIfOwnerExistsAsync(db, clock.GetUtcNow(), ct);
        if (setUp)
            presence.Known = true;
        return setUp;
    }

    /// <summary>
    /// Writes the mark when an Owner exists but the mark does not (a database from before the mark); run at every
    /// start-up and migration. True when the mark is (now) there.
    /// </summary>
    public static async Task<bool> MarkIfOwnerExistsAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct = default)
    {
        if (await db.Settings.AnyAsync(s => s.Key == SetUpKey, ct))
            return true;
        var ownerExists = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == PortalRoles.Owner select ur).AnyAsync(ct);
        if (!ownerExists)
            return false;
        db.Settings.Add(new PortalSetting { Key = SetUpKey, Value = now.ToString("O"), UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance or request wrote it first; the mark is there either way.
        }
        return true;
    }

    /// <summary>The first Owner, from /setup: refused once the database has ever had an Owner.</summary>
    public async Task<SetupResult> CreateFirstOwnerAsync(string email, string password, string? firstName = null)
    {
        if (await IsSetUpAsync())
            return SetupResult.Fail("This portal is already set up.");
        return await CreateOwnerAsync(email, password, firstName);
    }

    /// <summary>Creates a confirmed Owner. Nothing is written unless every check passes.</summary>
    public async Task<SetupResult> CreateOwnerAsync(string email, string password, string? firstName = null)
    {
        email = email.Trim();
        if (!new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) || email.Length > 256)
            return SetupResult.Fail($"'{email}' is not a valid email address.");
        if (await users.FindByEmailAsync(email) is not null)
            return SetupResult.Fail($"An account with the email {email} already exists.");

        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            FirstName = firstName,
            CreatedAt = clock.GetUtcNow(),
        };
        // Validate the password before creating anything, so a weak one leaves no half-made account.
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, user, password);
            errors.AddRange(check.Errors.Select(e => e.Description));
        }
        if (errors.Count > 0)
            return new SetupResult(false, errors);

        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            return new SetupResult(false, created.Errors.Select(e => e.Description).ToList());
        var role = await users.AddToRoleAsync(user, PortalRoles.Owner);
        if (!role.Succeeded)
        {
            await users.DeleteAsync(user);
            return new SetupResult(false, role.Errors.Select(e => e.Description).ToList());
        }
        await using (var db = await dbFactory.CreateDbContextAsync())
            await MarkIfOwnerExistsAsync(db, clock.GetUtcNow());
        presence.Known = true;
        return new SetupResult(true, [], user);
    }
}
