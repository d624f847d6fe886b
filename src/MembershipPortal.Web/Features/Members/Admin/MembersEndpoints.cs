using System.Globalization;
using System.Text;

namespace MembershipPortal.Web.Features.Members.Admin;

/// <summary>The members admin endpoints' handlers and query-string mapping; DependencyInjection maps the routes.</summary>
public static class MembersEndpoints
{
    /// <summary>The members list as CSV, filtered and sorted as the list page's query string says.</summary>
    public static async Task<IResult> ExportCsvAsync(HttpContext http, MemberAdminService members, TimeProvider clock, CancellationToken ct)
    {
        var (filter, sort) = FromQuery(http.Request.Query);
        var csv = new StringBuilder("id,email,name,status,plans,joined_at,last_login_at,locked,risks\n");
        await foreach (var m in members.AllAsync(filter, sort, ct))
            csv.AppendJoin(',', [Cell(m.Id), Cell(m.Email), Cell(m.Name), Cell(m.Status), Cell(m.Plans), Cell(Iso(m.JoinedAt)),
                Cell(m.LastLoginAt is { } l ? Iso(l) : ""), m.Locked ? "true" : "false", Cell(string.Join("; ", m.Risks))]).Append('\n');
        var name = $"members-{clock.GetUtcNow():yyyyMMdd-HHmm}.csv";
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", name);
    }

    /// <summary>One member's data as JSON (a data-subject export).</summary>
    public static async Task<IResult> ExportJsonAsync(string id, MemberAdminService members, CancellationToken ct) =>
        await members.ExportAsync(id, ct) is { } json
            ? Results.File(json, "application/json", $"member-{id}.json")
            : Results.NotFound();

    public static (MemberFilter Filter, MemberSort Sort) FromQuery(IQueryCollection query) => (new MemberFilter
    {
        Search = query["q"].FirstOrDefault(),
        Status = Enum.TryParse<MemberStatusFilter>(query["status"].FirstOrDefault(), true, out var s) && Enum.IsDefined(s) ? s : MemberStatusFilter.Any,
        ProductId = Guid.TryParse(query["product"].FirstOrDefault(), out var p) ? p : null,
        AddOnId = Guid.TryParse(query["addon"].FirstOrDefault(), out var a) ? a : null,
        SignupMonth = query["month"].FirstOrDefault(),
        AtRisk = query["risk"].FirstOrDefault() is "true" or "1",
        IncludeTeam = query["team"].FirstOrDefault() is "true" or "1",
    }, Enum.TryParse<MemberSort>(query["sort"].FirstOrDefault(), true, out var sort) && Enum.IsDefined(sort) ? sort : MemberSort.Newest);

    public static string ToQuery(MemberFilter f, MemberSort sort)
    {
        var parts = new Dictionary<string, string?>
        {
            ["q"] = string.IsNullOrWhiteSpace(f.Search) ? null : f.Search.Trim(),
            ["status"] = f.Status == MemberStatusFilter.Any ? null : f.Status.ToString(),
            ["product"] = f.ProductId?.ToString(),
            ["addon"] = f.AddOnId?.ToString(),
            ["month"] = string.IsNullOrWhiteSpace(f.SignupMonth) ? null : f.SignupMonth,
            ["risk"] = f.AtRisk ? "true" : null,
            ["team"] = f.IncludeTeam ? "true" : null,
            ["sort"] = sort == MemberSort.Newest ? null : sort.ToString(),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("", parts.Where(kv => kv.Value is not null));
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Cell(string value) => Domain.Common.Csv.Cell(value);
}
