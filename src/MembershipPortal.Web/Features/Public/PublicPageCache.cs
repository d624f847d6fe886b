using MembershipPortal.Web.Features.Themes;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace MembershipPortal.Web.Features.Public;

/// <summary>
/// The public pages (home, pricing, product, library, content, course and lesson pages) are the same for every anonymous
/// visitor with the same light/dark choice, so the server keeps each rendered page (ASP.NET Core output caching) and
/// answers the next visitor from memory. Only anonymous GETs are served from or stored in it: anyone signed in gets a
/// fresh page, since theirs depends on who they are (access, the past-due banner, the menu). A response that sets a
/// cookie is never stored.
/// <para>
/// A saved change to the catalog, content or settings (themes and branding are settings) evicts every page on this
/// instance at once (<see cref="Evictor"/>); other instances drop theirs within <see cref="Lifetime"/>, the settings
/// cache's own 15 seconds.
/// </para>
/// </summary>
public sealed class PublicPageCache : IOutputCachePolicy
{
    public const string Policy = "public-page";
    public const string Tag = "public-pages";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var http = context.HttpContext;
        var cacheable = (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            && http.User.Identity?.IsAuthenticated != true;
        if (cacheable)
        {
            http.Response.OnStarting(DropAntiforgeryCookie, http.Response);
            PublicPageCompression.Allow(http);
        }
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = Lifetime;
        context.Tags.Add(Tag);
        context.CacheVaryByRules.QueryKeys = "*";
        // An enhanced navigation asks with "Accept: text/html; blazor-enhanced-nav=on" and is answered with a header that
        // lets Blazor patch the page in; a copy made for a plain request would make it reload the whole document.
        // The page is stored compressed (PublicPageCompression), so also one copy per encoding asked for.
        context.CacheVaryByRules.HeaderNames = new StringValues(["Accept", "Accept-Encoding"]);
        context.CacheVaryByRules.VaryByValues[DarkModeCookie.Name] = DarkModeCookie.Read(http) switch { true => "dark", false => "light", null => "theme" };
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Blazor hands every server-rendered page an antiforgery cookie. The public pages post no form that needs one (the
    /// dark-mode switch takes none, the library search is a GET), and a cookie is one visitor's: it is dropped before the
    /// answer starts, rather than stored and handed to the next visitor. Any other cookie keeps the page out of the cache.
    /// </summary>
    private static Task DropAntiforgeryCookie(object state)
    {
        var response = (HttpResponse)state;
        // The cookie's name is configured: outside Development it is "__Host-Portal.Antiforgery", in Development the default.
        var name = response.HttpContext.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name ?? ".AspNetCore.Antiforgery.";
        var kept = response.Headers.SetCookie.Where(c => c is not null && !c.StartsWith(name, StringComparison.Ordinal)).ToArray();
        if (kept.Length != response.Headers.SetCookie.Count)
            response.Headers.SetCookie = new StringValues(kept);
        return Task.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (!StringValues.IsNullOrEmpty(response.Headers.SetCookie) || response.StatusCode != StatusCodes.Status200OK)
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }

    /// <summary>Evicts the public pages after any saved change to what they show: catalog, content, settings.</summary>
    public sealed class Evictor(IServiceProvider services) : SaveChangesInterceptor
    {
        private static bool Shown(Type type) =>
            type.Namespace is { } ns && (ns.EndsWith(".Catalog", StringComparison.Ordinal) || ns.EndsWith(".Content", StringComparison.Ordinal)
                || ns.EndsWith(".Settings", StringComparison.Ordinal));

        /// <summary>The contexts saving a change the public pages show (pooled contexts are reused, so the mark is removed after).</summary>
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> pending = new();

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Note(eventData.Context);
            return base.SavingChangesAsync(eventData, result, cancellationToken);
        }

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Note(eventData.Context);
            return base.SavingChanges(eventData, result);
        }

        public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            await EvictIfPendingAsync(eventData.Context, cancellationToken);
            return await base.SavedChangesAsync(eventData, result, cancellationToken);
        }

        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            EvictIfPendingAsync(eventData.Context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return base.SavedChanges(eventData, result);
        }

        private void Note(DbContext? context)
        {
            if (context is not null && context.ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && Shown(e.Metadata.ClrType)))
                pending.AddOrUpdate(context, this);
        }

        private ValueTask EvictIfPendingAsync(DbContext? context, CancellationToken ct)
        {
            if (context is null || !pending.Remove(context))
                return ValueTask.CompletedTask;
            return services.GetService<IOutputCacheStore>() is { } store ? store.EvictByTagAsync(Tag, ct) : ValueTask.CompletedTask;
        }
    }
}
