using MembershipPortal.Web.Features.Content.Admin;
using MembershipPortal.Web.Features.Shared;
using Microsoft.Net.Http.Headers;

namespace MembershipPortal.Web.Features.Content;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortalContent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AccessService>();
        builder.Services.AddScoped<ContentService>();
        builder.Services.AddScoped<ContentAdminQueries>();
        builder.Services.AddScoped<ContentUploads>();
        return builder;
    }

    /// <summary>
    /// GET /files/{id}: the only way to a stored file. The access check of the item that uses the file runs on every
    /// request, including each range request of a video; answers are private and never cached.
    /// </summary>
    public static WebApplication MapPortalFiles(this WebApplication app)
    {
        app.MapGet("/files/{id:guid}", async (Guid id, HttpContext http, AccessService access, ContentService content, FileStore store, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "private, no-store";
            var member = await access.ForAsync(http.User, ct);
            var (file, allowed) = await content.FileAsync(id, member, ct);
            if (file is null)
                return Results.NotFound();
            if (!allowed)
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            var path = store.PathFor(file);
            if (!File.Exists(path))
                return Results.NotFound();
            var playable = file.ContentType.StartsWith("video/", StringComparison.Ordinal) || file.ContentType.StartsWith("audio/", StringComparison.Ordinal)
                || file.ContentType.StartsWith("image/", StringComparison.Ordinal);
            // Downloads get Content-Disposition: attachment; media plays inline with byte ranges so seeking works.
            return Results.File(path, file.ContentType, playable ? null : file.FileName, enableRangeProcessing: true,
                entityTag: new EntityTagHeaderValue($"\"{file.StorageKey}\""));
        });
        return app;
    }
}
