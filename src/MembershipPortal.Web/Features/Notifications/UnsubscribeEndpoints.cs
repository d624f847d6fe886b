using System.Net;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Notifications;

/// <summary>
/// Unsubscribing from marketing notices. GET shows a confirmation button (link scanners follow links; they must not
/// unsubscribe anyone); POST records the opt-out, which is also what mail clients send for one-click
/// <c>List-Unsubscribe-Post</c> (RFC 8058), without cookies or antiforgery tokens. The signed token names the address.
/// </summary>
public static class UnsubscribeEndpoints
{
    public const string Path = "/email/unsubscribe";

    public static IEndpointRouteBuilder MapPortalUnsubscribe(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (string? t, PortalLinks links) =>
        {
            if (links.ReadUnsubscribeToken(t) is null)
                return Page("This unsubscribe link is not valid.", null, StatusCodes.Status400BadRequest);
            return Page("Unsubscribe from offers and news? Emails about your account and payments still come.", t, StatusCodes.Status200OK);
        });
        app.MapPost(Path, async (string? t, PortalLinks links, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, CancellationToken ct) =>
        {
            if (links.ReadUnsubscribeToken(t) is not { } email)
                return Page("This unsubscribe link is not valid.", null, StatusCodes.Status400BadRequest);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (!await db.EmailOptOuts.AnyAsync(o => o.NormalizedEmail == email, ct))
            {
                var member = await db.Users.Where(u => u.NormalizedEmail == email).Select(u => u.Id).FirstOrDefaultAsync(ct);
                db.EmailOptOuts.Add(new EmailOptOut { NormalizedEmail = email, MemberId = member, At = clock.GetUtcNow() });
                try
                { await db.SaveChangesAsync(ct); }
                catch (DbUpdateException ex) when (Outbox.IsUniqueViolation(ex)) { /* a second click at the same moment */ }
            }
            return Page("You are unsubscribed. You will not get offers from us any more.", null, StatusCodes.Status200OK);
        }).DisableAntiforgery();
        return app;
    }

    private static IResult Page(string message, string? token, int status)
    {
        var form = token is null ? "" :
            $"""<form method="post" action="{Path}?t={WebUtility.UrlEncode(token)}"><button type="submit" style="padding:10px 18px;font-size:16px">Unsubscribe</button></form>""";
        var html = $"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Unsubscribe</title></head>
            <body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px"><h1 style="font-size:22px">Email preferences</h1>
            <p>{WebUtility.HtmlEncode(message)}</p>{form}</body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
