using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Billing;

public sealed class CheckoutSignUpInput
{
    public string? FirstName { get; set; }
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
}

public sealed record CheckoutSignUpResult(string? SignInUrl, IReadOnlyList<string> Errors)
{
    public bool Succeeded => SignInUrl is not null;
}

/// <summary>
/// Sign-up inside checkout. The interactive checkout cannot set a cookie, so a new account gets a one-time sign-in
/// ticket: data-protected, naming the user, their security stamp, the checkout address to return to and an expiry
/// from <see cref="TimeProvider"/>. <c>GET /checkout/sign-in</c> redeems it once (the stamp is renewed on use), signs
/// the member in and returns them to the same checkout with their choices. The address still has to be confirmed
/// from the emailed link before the next password sign-in, as with the normal register page.
/// </summary>
public sealed class CheckoutSignUp(
    UserManager<ApplicationUser> users,
    IEmailSender<ApplicationUser> emails,
    IDataProtectionProvider protection,
    AppDbContext identityDb,
    PortalLinks links,
    ClientSignUpLimiter limiter,
    IHttpContextAccessor http,
    TimeProvider clock,
    ILogger<CheckoutSignUp> logger)
{
    public const string SignInPath = "/checkout/sign-in";
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(5);
    private const string Purpose = "MembershipPortal.CheckoutSignIn.v1";

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    public async Task<CheckoutSignUpResult> SignUpAsync(CheckoutSignUpInput input, string returnUrl, CancellationToken ct = default)
    {
        if (!IsCheckoutUrl(returnUrl))
            return Fail("This checkout link is not valid; open the plan again from the pricing page.");
        var email = (input.Email ?? "").Trim();
        var firstName = string.IsNullOrWhiteSpace(input.FirstName) ? null : input.FirstName.Trim();
        var errors = new List<string>();
        if (email.Length == 0)
            errors.Add("Enter your email address.");
        else if (email.Length > 256 || !new EmailAddressAttribute().IsValid(email))
            errors.Add("Enter a valid email address, such as name@example.com.");
        if (string.IsNullOrEmpty(input.Password))
            errors.Add("Choose a password.");
        if (firstName is { Length: > 100 })
            errors.Add("The first name can be at most 100 characters.");
        if (errors.Count > 0)
            return new CheckoutSignUpResult(null, errors);

        // The circuit's connection request carries the client's address (after the trusted-proxy rule).
        using var lease = limiter.AttemptAcquire(http.HttpContext?.Connection.RemoteIpAddress);
        if (!lease.IsAcquired)
            return Fail("Too many sign-ups right now. Please wait a minute and try again.");

        if (await users.FindByEmailAsync(email) is not null)
            return Fail("An account with this email already exists. Log in to finish your purchase.");

        var user = new ApplicationUser { UserName = email, Email = email, FirstName = firstName, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded)
            return new CheckoutSignUpResult(null, created.Errors.Select(e => e.Description).ToList());
        logger.LogInformation("Account {UserId} created during checkout.", user.Id);

        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GenerateEmailConfirmationTokenAsync(user)));
        var confirm = QueryHelpers.AddQueryString(links.Absolute("Account/ConfirmEmail"),
            new Dictionary<string, string?> { ["userId"] = user.Id, ["code"] = code, ["returnUrl"] = "/account" });
        await emails.SendConfirmationLinkAsync(user, email, HtmlEncoder.Default.Encode(confirm));

        var expires = clock.GetUtcNow().Add(TicketLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var ticket = Protector.Protect(string.Join('\n', user.Id, await users.GetSecurityStampAsync(user), expires, returnUrl));
        return new CheckoutSignUpResult(QueryHelpers.AddQueryString(SignInPath, "ticket", ticket), []);
    }

    /// <summary>Checks a ticket and uses it up; null when it is forged, expired, already used or for another page.</summary>
    public async Task<(ApplicationUser User, string ReturnUrl)?> RedeemAsync(string? ticket)
    {
        if (string.IsNullOrEmpty(ticket))
            return null;
        string[] parts;
        try
        {
            parts = Protector.Unprotect(ticket).Split('\n');
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        if (parts.Length != 4 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return null;
        if (clock.GetUtcNow() > DateTimeOffset.FromUnixTimeSeconds(expires) || !IsCheckoutUrl(parts[3]))
            return null;
        var user = await users.FindByIdAsync(parts[0]);
        if (user is null || await users.GetSecurityStampAsync(user) != parts[1] || await users.IsLockedOutAsync(user))
            return null;
        // One conditional update uses the ticket up: of any number of parallel redemptions exactly one changes the stamp
        // the ticket names, and only that one signs in. A new stamp makes the ticket (and any copy) worthless from now on.
        // (identityDb is the context UserManager's store uses in this scope, so the user is reloaded with the new stamp.)
        var stamp = Guid.NewGuid().ToString("N").ToUpperInvariant();
        var used = await identityDb.Users.Where(u => u.Id == user.Id && u.SecurityStamp == parts[1])
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.SecurityStamp, stamp).SetProperty(x => x.ConcurrencyStamp, Guid.NewGuid().ToString()));
        if (used != 1)
            return null;
        await identityDb.Entry(user).ReloadAsync();
        return (user, parts[3]);
    }

    /// <summary>Only a local checkout address: no scheme, no host, no protocol-relative or backslash tricks.</summary>
    public static bool IsCheckoutUrl(string? url) =>
        url is { Length: > 0 and < 2000 }
        && (url == "/checkout" || url.StartsWith("/checkout?", StringComparison.Ordinal))
        && !url.Contains('\\') && !url.Contains("//", StringComparison.Ordinal) && !url.Any(char.IsControl);

    private static CheckoutSignUpResult Fail(string message) => new(null, [message]);
}

public static class CheckoutSignInEndpoint
{
    public static WebApplication MapCheckoutSignIn(this WebApplication app)
    {
        app.MapGet(CheckoutSignUp.SignInPath, async (string? ticket, CheckoutSignUp signUp, SignInManager<ApplicationUser> signIn) =>
        {
            if (await signUp.RedeemAsync(ticket) is not { } redeemed)
                return Results.Redirect("/Account/Login?ReturnUrl=%2Fpricing");
            await signIn.SignInAsync(redeemed.User, isPersistent: false);
            return Results.LocalRedirect(redeemed.ReturnUrl);
        }).DisableAntiforgery();
        return app;
    }
}

/// <summary>
/// Bounds account creation through checkout circuits (which the per-request POST limiter does not see) per client
/// address: one busy client cannot use up everyone's sign-ups. Clients without a known address share one bucket.
/// </summary>
public sealed class ClientSignUpLimiter(Microsoft.Extensions.Options.IOptions<Operations.RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.CheckoutSignUpsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public RateLimitLease AttemptAcquire(System.Net.IPAddress? client) => limiter.AttemptAcquire(client?.ToString() ?? "unknown");

    public void Dispose() => limiter.Dispose();
}
