using MembershipPortal.Infrastructure.Data;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Web.Features.Operations;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalOperations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // On SIGTERM: stop taking requests, let in-flight requests (webhooks included) and running jobs finish for up to
        // 30 s (Quartz waits for its jobs), then stop. Work cut off after that was never committed and is retried.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Portal:ShutdownSeconds", 30)));
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PortalOptions>, PortalOptionsValidator>();
        var development = builder.Environment.IsDevelopment();

        // Outside Development only the public host (and loopback, for a health probe on the machine) is served: links
        // never come from Host anyway, this just refuses requests for hosts the portal is not. An explicit AllowedHosts wins.
        var publicUrl = Shared.PublicUrlSetting.Read(builder.Configuration);
        if (!development && builder.Configuration["AllowedHosts"] is null or "*" && Uri.TryCreate(publicUrl, UriKind.Absolute, out var origin))
            services.Configure<HostFilteringOptions>(o => o.AllowedHosts = [origin.Host, "localhost", "127.0.0.1", "[::1]"]);

        var proxies = TrustedProxies.Read(builder.Configuration);
        if (TrustedProxies.Problem(proxies) is { } proxyProblem)
            throw new OptionsValidationException(PortalOptions.Section, typeof(PortalOptions), [proxyProblem]);
        if (proxies.Length > 0)
            services.Configure<ForwardedHeadersOptions>(o => TrustedProxies.Apply(o, proxies));

        // Outside Development the antiforgery cookie is Secure with the __Host- prefix, like the sign-in cookie (unless the
        // public address is deliberately plain http, see SecureCookies).
        var secureCookies = Shared.SecureCookies.Required(builder.Environment, builder.Configuration);
        services.AddAntiforgery(o =>
        {
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            if (secureCookies)
                o.Cookie.Name = "__Host-Portal.Antiforgery";
        });
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });

        // The database is migrated before anything reads it at start-up. Data protection's hosted service loads its key
        // ring from the database (a fresh one has no table yet: "no such table: DataProtectionKeys" on a first start), and
        // the host registered it already, so Startup goes just before it; hosted services start in registration order.
        var startup = ServiceDescriptor.Singleton<IHostedService, Startup>();
        var keyRing = services.IndexOf(services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.Name == "DataProtectionHostedService")!);
        if (keyRing >= 0)
            services.Insert(keyRing, startup);
        else
            services.Add(startup);
        services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");

        services.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = true; });

        // Sign-in cookies issued by one instance must be readable by another: keys live in the database.
        services.AddDataProtection().SetApplicationName("MembershipPortal").PersistKeysToDbContext<AppDbContext>();

        services.Configure<CircuitOptions>(o =>
        {
            o.DisconnectedCircuitMaxRetained = 100;
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
            o.JSInteropDefaultCallTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024);

        services.AddRateLimiter(RateLimits.Configure);
        return builder;
    }

    public static WebApplication UsePortalOperations(this WebApplication app)
    {
        // First, so the client address and scheme everything after sees are the real client's (trusted proxies only).
        if (TrustedProxies.Read(app.Configuration).Length > 0)
            app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
            app.UseHttpsRedirection();
            if (Shared.SecureCookies.Required(app.Environment, app.Configuration))
                app.UseMiddleware<PlainHttpGuard>();
        }
        // Error statuses without a body render the not-found page. Unlike UseStatusCodePagesWithReExecute, the page is
        // always rendered as a GET: re-executing a POST to an unknown path would meet the page's antiforgery check (400)
        // or its method rules (405). Routing is explicit and after this, so the re-executed request is routed afresh.
        app.UseStatusCodePages(RenderNotFoundPageAsync);
        app.UseRouting();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseHttpLogging();
        app.Use((http, next) => RateLimits.FindTargetAccountAsync(http, () => next(http)));
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static async Task RenderNotFoundPageAsync(StatusCodeContext status)
    {
        var http = status.HttpContext;
        var request = http.Request;
        var (method, path, query, endpoint, services) = (request.Method, request.Path, request.QueryString, http.GetEndpoint(), http.RequestServices);
        http.Features.Set<IStatusCodeReExecuteFeature>(new StatusCodeReExecuteFeature
        {
            OriginalPathBase = request.PathBase.Value!,
            OriginalPath = path.Value!,
            OriginalQueryString = query.HasValue ? query.Value : null,
            Endpoint = endpoint,
            RouteValues = new RouteValueDictionary(http.GetRouteData().Values),
        });
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        try
        {
            request.Method = HttpMethods.IsHead(method) ? HttpMethods.Head : HttpMethods.Get;
            request.Path = "/not-found";
            request.QueryString = QueryString.Empty;
            request.ContentLength = 0;
            http.SetEndpoint(null);
            http.Request.RouteValues.Clear();
            http.RequestServices = scope.ServiceProvider;
            await status.Next(http);
        }
        finally
        {
            (request.Method, request.Path, request.QueryString, http.RequestServices) = (method, path, query, services);
            http.Features.Set<IStatusCodeReExecuteFeature?>(null);
        }
    }

    public static WebApplication MapPortalHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health", new() { Predicate = check => !check.Tags.Contains(PortalHealth.ReadyTag) });
        app.MapPortalProbes();
        return app;
    }
}
