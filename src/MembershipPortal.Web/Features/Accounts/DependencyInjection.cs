using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Components.Account;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace MembershipPortal.Web.Features.Accounts;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalAccounts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();

        services.AddIdentityCore<ApplicationUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = true;
                o.SignIn.RequireConfirmedEmail = true;
                o.User.RequireUniqueEmail = true;
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                // Length over composition (OWASP ASVS 5): 12+ characters, no character-class rules, common passwords rejected.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddUserManager<PortalUserManager>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>();

        // A changed password, email or 2FA setting ends other sessions within a minute, not the default 30.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        var secureCookies = Shared.SecureCookies.Required(builder.Environment, builder.Configuration);
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.Name = secureCookies ? "__Host-Portal.Auth" : ".Portal.Auth";
            o.Cookie.Path = "/";
            // Every sign-in stamps the member's last login (the members list's "no login for 30 days" filter).
            o.Events.OnSignedIn = async context =>
            {
                if (context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is not { } id)
                    return;
                var services = context.HttpContext.RequestServices;
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                await using var db = await services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
                await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
                    db.Users.Where(u => u.Id == id), u => u.SetProperty(x => x.LastLoginAt, now));
            };
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(PortalPolicies.Admin, p => p.RequireRole(PortalRoles.Owner, PortalRoles.Staff))
            .AddPolicy(PortalPolicies.Owner, p => p.RequireRole(PortalRoles.Owner));

        services.AddScoped<IEmailSender<ApplicationUser>>(sp => sp.GetRequiredService<IdentityEmailSender>());
        services.AddScoped<AccountUnlock>();
        services.AddMemoryCache();
        services.AddScoped<AccountService>();
        services.AddScoped<IdentityEmailSender>();
        services.AddSingleton<AccountMailQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountMailQueue>());
        return builder;
    }
}
