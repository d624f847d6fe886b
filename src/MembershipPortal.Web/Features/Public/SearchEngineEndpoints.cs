using System.Text;
using System.Xml;
using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Public;

/// <summary>
/// <c>/robots.txt</c> keeps crawlers out of the admin, the member area, checkout and gated files, and names the
/// sitemap; <c>/sitemap.xml</c> lists the public pages: home, pricing, the library and course lists, every visible
/// product, every published course landing page and every published public content item, at the public address.
/// </summary>
public static class SearchEngineEndpoints
{
    private static readonly string[] Private = ["/admin", "/account", "/Account", "/files", "/checkout", "/setup", "/email"];

    public static WebApplication MapSearchEngineFiles(this WebApplication app)
    {
        app.MapGet("/robots.txt", (PortalLinks links, HttpResponse response) =>
        {
            response.Headers.CacheControl = "public, max-age=3600";
            var text = new StringBuilder("User-agent: *\n");
            foreach (var path in Private)
                text.Append("Disallow: ").Append(path).Append('\n');
            text.Append("\nSitemap: ").Append(links.Absolute("sitemap.xml")).Append('\n');
            return Results.Text(text.ToString(), "text/plain; charset=utf-8");
        });

        app.MapGet("/sitemap.xml", async (PortalLinks links, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock,
            HttpResponse response, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var now = clock.GetUtcNow();
            var products = await db.Products.AsNoTracking().Where(p => p.IsVisible).OrderBy(p => p.Rank).Select(p => p.Slug).ToListAsync(ct);
            var courses = (await db.Courses.AsNoTracking().Select(c => new { c.Slug, c.PublishAt }).ToListAsync(ct))
                .Where(c => c.PublishAt <= now).Select(c => c.Slug);
            var content = (await db.ContentItems.AsNoTracking().Where(c => c.Access == AccessLevel.Public)
                .Select(c => new { c.Slug, c.PublishAt }).ToListAsync(ct)).Where(c => c.PublishAt <= now).Select(c => c.Slug);
            IEnumerable<string> paths =
            [
                "/", "/pricing", "/content", "/courses",
                .. products.Select(s => "/products/" + Uri.EscapeDataString(s)),
                .. courses.Select(s => "/courses/" + Uri.EscapeDataString(s)),
                .. content.Select(s => "/content/" + Uri.EscapeDataString(s)),
            ];
            response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(Write(paths.Select(links.Absolute)), "application/xml; charset=utf-8");
        });
        return app;
    }

    private static string Write(IEnumerable<string> urls)
    {
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            xml.WriteStartElement("urlset", "http://www.sitemaps.org/schemas/sitemap/0.9");
            foreach (var url in urls)
            {
                xml.WriteStartElement("url");
                xml.WriteElementString("loc", url);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
