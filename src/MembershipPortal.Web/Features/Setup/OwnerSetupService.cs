using MembershipPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;

namespace MembershipPortal.Web.Features.Setup;

public sealed record SetupResult(bool Succeeded, IReadOnlyList<string> Errors, ApplicationUser? User = null)
{
    public static SetupResult Fail(params string[] errors) => new(false, errors);
}

/// <summary>Creates Owner accounts: the first one through /setup, any later through the command line.</summary>
/// <summary>Remembers, per app instance, that an Owner exists, so the /setup gate costs no query once set up.</summary>
public sealed class OwnerPresence
{
    public volatile bool Known;
}

public sealed class OwnerSetupService(UserManager<ApplicationUser> users, TimeProvider clock, OwnerPresence presence)
{

    public async Task<bool> OwnerExistsAsync()
    {
        if (presence.Known) return true;
        var exists = (await users.GetUsersInRoleAsync(PortalRoles.Owner)).Count > 0;
        if (exists) presence.Known = true;
        return exists;
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
            UserName = email, Email = email, EmailConfirmed = true, FirstName = firstName, CreatedAt = clock.GetUtcNow(),
        };
        // Validate the password before creating anything, so a weak one leaves no half-made account.
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(users, user, password);
            errors.AddRange(check.Errors.Select(e => e.Description));
        }
        if (errors.Count > 0) return new SetupResult(false, errors);

        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return new SetupResult(false, created.Errors.Select(e => e.Description).ToList());
        var role = await users.AddToRoleAsync(user, PortalRoles.Owner);
        if (!role.Succeeded)
        {
            await users.DeleteAsync(user);
            return new SetupResult(false, role.Errors.Select(e => e.Description).ToList());
        }
        presence.Known = true;
        return new SetupResult(true, [], user);
    }
}
