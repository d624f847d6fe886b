using MembershipPortal.Infrastructure.Content;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Content.Admin;

/// <summary>
/// The limits the content editors show and the checks every content use case makes on a form's fields. A check adds its
/// problem to a list, so one refusal names every problem at once (<see cref="ThrowIfAny"/>).
/// </summary>
public static class ContentRules
{
    public const int TitleMax = 200, TeaserMax = 1000, BodyMax = 200_000, DescriptionMax = 50_000, UrlMax = 500, AuthorMax = 120, DripDaysMax = 3650;

    /// <summary>Refuses the use case naming every problem, one per line (the editors list them).</summary>
    public static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
            throw new UseCaseRefused(string.Join("\n", errors));
    }

    public static string Required(string? value, string field, int max, List<string> errors)
    {
        var text = (value ?? "").Trim();
        if (text.Length == 0)
            errors.Add($"The {field} is required.");
        else if (text.Length > max)
            errors.Add($"The {field} can be at most {max} characters (it has {text.Length}).");
        return text;
    }

    public static string? Optional(string? value, string field, int max, List<string> errors)
    {
        var text = (value ?? "").Trim();
        if (text.Length > max)
            errors.Add($"The {field} can be at most {max} characters (it has {text.Length}).");
        return text.Length == 0 ? null : text;
    }

    public static string CheckSlug(string? value, List<string> errors)
    {
        var slug = (value ?? "").Trim();
        if (slug.Length == 0)
            errors.Add("The slug is required: it is the item's address, for example “knitting-basics”.");
        else if (!Slugs.IsValid(slug))
        {
            var suggestion = Slugs.From(slug);
            errors.Add($"The slug may only use lower-case letters, digits and single dashes between them (at most {Slugs.MaxLength} characters), for example “{(suggestion.Length > 0 ? suggestion : "knitting-basics")}”.");
        }
        return Slugs.IsValid(slug) ? slug : "";
    }

    public static string SlugTaken(string slug, string what) => $"Another {what} already uses the slug “{slug}”. Choose a different one.";

    public static string? CheckVideoUrl(string? value, List<string> errors)
    {
        var url = (value ?? "").Trim();
        if (url.Length == 0)
            return null;
        if (url.Length > UrlMax || !VideoEmbeds.IsAllowed(url))
            errors.Add($"Video embeds must be https player addresses from {string.Join(" or ", VideoEmbeds.AllowedHosts)} (for example https://www.youtube-nocookie.com/embed/VIDEO_ID or https://player.vimeo.com/video/123456). To show another video, upload the file instead.");
        return url;
    }

    /// <summary>A cover is an https address or a path on this site (such as /files/{id}); anything else, javascript: included, is refused.</summary>
    public static string? CheckCoverUrl(string? value, List<string> errors)
    {
        var url = (value ?? "").Trim();
        if (url.Length == 0)
            return null;
        var sitePath = url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\');
        var https = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
        if (url.Length > UrlMax || !(sitePath || https))
            errors.Add("The cover image must be an https:// address or a path on this site starting with /.");
        return url;
    }

    public static DateTimeOffset CheckPublishAt(DateTimeOffset value, List<string> errors)
    {
        if (value == default)
            errors.Add("Choose a publish date.");
        return value.ToUniversalTime();
    }

    /// <summary>Who can open an item or course; with <see cref="AccessLevel.Products"/>, the products that unlock it (all must exist).</summary>
    public static async Task<List<Guid>> CheckAccessAsync(AppDbContext db, AccessLevel level, IEnumerable<Guid>? productIds, List<string> errors, CancellationToken ct)
    {
        if (!Enum.IsDefined(level))
        { errors.Add("Choose who can open this."); return []; }
        if (level != AccessLevel.Products)
            return [];
        var ids = (productIds ?? []).Distinct().ToList();
        if (ids.Count == 0)
        { errors.Add("Choose at least one product or add-on that unlocks this, or make it open to all members."); return ids; }
        if (await db.Products.CountAsync(p => ids.Contains(p.Id), ct) != ids.Count)
            errors.Add("One of the chosen products no longer exists; choose again.");
        return ids;
    }

    /// <summary>Positions 0..n-1 in list order, so an outline never has gaps or duplicates.</summary>
    public static void Renumber<T>(List<T> items, Action<T, int> setPosition)
    {
        for (var i = 0; i < items.Count; i++)
            setPosition(items[i], i);
    }
}
