using System.Security.Cryptography;
using System.Text;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Metrics.Import;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Infrastructure.Metrics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MembershipPortal.Web.Features.Analytics;

public sealed record ImportOutcome(
    bool Succeeded, IReadOnlyList<ImportProblem> Problems, int Rows, int NewEvents, int AlreadyImported, int NewMembers, int MatchedMembers)
{
    public static ImportOutcome Failed(IReadOnlyList<ImportProblem> problems, int rows) => new(false, problems, rows, 0, 0, 0, 0);

    public string Summary => !Succeeded
        ? $"Nothing imported: {Problems.Count} bad row{(Problems.Count == 1 ? "" : "s")}."
        : NewEvents == 0
            ? $"Nothing new: all {Rows} row{(Rows == 1 ? " was" : "s were")} imported before."
            : $"Imported {NewEvents} event{(NewEvents == 1 ? "" : "s")} of {Rows} row{(Rows == 1 ? "" : "s")}"
              + (AlreadyImported > 0 ? $" ({AlreadyImported} imported before)" : "")
              + $"; {NewMembers} new member{(NewMembers == 1 ? "" : "s")}, {MatchedMembers} matched by e-mail.";
}

/// <summary>
/// Imports a METRICS.md §5 file, all or nothing: every row is checked (format, then each subscription's events in
/// order together with anything imported before), every bad row is reported with its line, and only a clean file is
/// written, in one transaction. Rows already imported (same content) are skipped, so importing a file twice adds
/// nothing. New customers become members with a confirmed address and no password; nothing is e-mailed.
/// </summary>
public sealed class HistoryImportService(
    IDbContextFactory<AppDbContext> dbFactory, AnalyticsStore store, ILookupNormalizer normalizer, TimeProvider clock, ILogger<HistoryImportService> logger,
    Shared.CurrentActor actor)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    /// <summary>Ids per look-up query (sent as one JSON parameter by EF, so no parameter limit applies).</summary>
    private const int Chunk = 5_000;

    /// <summary>Accepted files, newest first.</summary>
    public async Task<IReadOnlyList<HistoryImport>> RecentAsync(int count = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.HistoryImports.AsNoTracking().OrderByDescending(i => i.Id).Take(count).ToListAsync(ct);
    }

    /// <summary>Imports are the Owner's alone (or the command line's); anyone else is refused before the file is read.</summary>
    public async Task<ImportOutcome> ImportAsync(Stream content, string fileName, CancellationToken ct = default)
    {
        await actor.RequireAsync("import.history", ct: ct);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return ImportOutcome.Failed([new ImportProblem(0, "the file is not UTF-8 text")], 0);
        }

        var parsed = HistoryCsv.Parse(text, store.Currency);
        if (!parsed.Succeeded)
            return ImportOutcome.Failed(parsed.Problems, parsed.Rows);

        await Gate.WaitAsync(ct);
        try
        {
            return await ImportParsedAsync(parsed, fileName, Convert.ToHexStringLower(SHA256.HashData(bytes)), ct);
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<ImportOutcome> ImportParsedAsync(HistoryParseResult parsed, string fileName, string sha256, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var keyed = Keys(parsed.Events);
        var known = (await db.ImportedEvents.AsNoTracking().Select(e => e.Key).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var fresh = keyed.Where(k => !known.Contains(k.Key)).ToList();
        if (fresh.Count == 0)
            return new ImportOutcome(true, [], parsed.Rows, 0, parsed.Rows, 0, 0);

        // Earlier imports of the same subscriptions and customers take part in the check.
        var customers = new Dictionary<string, ImportedCustomer>(StringComparer.Ordinal);
        var earlier = new List<HistoryEvent>();
        if (known.Count > 0)
        {
            foreach (var chunk in fresh.Select(k => k.Event.CustomerId).Distinct().Chunk(Chunk))
                foreach (var c in await db.ImportedCustomers.AsNoTracking().Where(c => chunk.Contains(c.CustomerId)).ToListAsync(ct))
                    customers[c.CustomerId] = c;
            foreach (var chunk in fresh.Select(k => k.Event.SubscriptionId).Distinct().Chunk(Chunk))
                foreach (var e in await db.ImportedEvents.AsNoTracking().Where(e => chunk.Contains(e.SubscriptionId)).ToListAsync(ct))
                    earlier.Add(AnalyticsStore.ToHistoryEvent(e, customers.GetValueOrDefault(e.CustomerId)?.Email ?? "") with { Line = 0 });
        }

        var problems = new List<ImportProblem>();
        foreach (var e in fresh.Select(k => k.Event).GroupBy(e => e.CustomerId).Select(g => g.First()))
            if (customers.TryGetValue(e.CustomerId, out var c) && !string.Equals(c.Email, e.CustomerEmail, StringComparison.OrdinalIgnoreCase))
                problems.Add(new ImportProblem(e.Line, $"customer {e.CustomerId} was imported before with the e-mail {c.Email}, not {e.CustomerEmail}"));

        var importId = (await db.HistoryImports.MaxAsync(i => (long?)i.Id, ct) ?? 0) + 1;
        var kinds = await db.Products.AsNoTracking().Select(p => new { p.Slug, p.Kind }).ToListAsync(ct);
        var kindsBySlug = kinds.GroupBy(p => p.Slug, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.OrdinalIgnoreCase);
        var replay = HistoryReplay.Replay(
            [.. earlier, .. fresh.Select(k => k.Event with { Sequence = AnalyticsStore.Sequence(importId, k.Event.Line) })],
            AnalyticsStore.ReplayOptions(kindsBySlug, id => id));
        problems.AddRange(replay.Problems);
        if (problems.Count > 0)
            return ImportOutcome.Failed(problems.OrderBy(p => p.Line).ToList(), parsed.Rows);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var name = Path.GetFileName(fileName);
        var import = new HistoryImport { FileName = name.Length > 260 ? name[..260] : name, Sha256 = sha256, ImportedAt = now, Rows = parsed.Rows, NewEvents = fresh.Count };
        db.HistoryImports.Add(import);
        await db.SaveChangesAsync(ct);

        var (newMembers, matched) = await AddMembersAsync(db, fresh.Select(k => k.Event).Where(e => !customers.ContainsKey(e.CustomerId)).ToList(), import.Id, ct);
        await db.HistoryImports.Where(i => i.Id == import.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.NewMembers, newMembers), ct);

        await BulkInsert.InsertAsync(db, fresh.Select(k => ToRow(k.Event, k.Key, import.Id)).ToList(), ct);
        await tx.CommitAsync(ct);
        store.Invalidate();
        logger.LogInformation("Imported {Events} history events from {File}; {Members} new members.", fresh.Count, import.FileName, newMembers);
        // Fold the new history now, while the Owner waits for the import anyway: this also writes the replay cache, so the
        // next dashboard or `metrics` run (a new process) starts from it instead of replaying every imported row.
        await store.ReadAsync(_ => 0, ct);
        return new ImportOutcome(true, [], parsed.Rows, fresh.Count, parsed.Rows - fresh.Count, newMembers, matched);
    }

    /// <summary>A row's key: a hash of its content and of how many identical rows came before it in the file.</summary>
    private static List<(HistoryEvent Event, string Key)> Keys(IReadOnlyList<HistoryEvent> events)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyed = new List<(HistoryEvent, string)>(events.Count);
        foreach (var e in events)
        {
            var text = e.CanonicalText();
            var occurrence = seen[text] = seen.GetValueOrDefault(text) + 1;
            keyed.Add((e, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{text}#{occurrence}")))[..32]));
        }
        return keyed;
    }

    /// <summary>
    /// One member per new customer: an existing account with the same e-mail is used as is; otherwise an account with a
    /// confirmed address and no password (password reset sets one), created at the customer's first event. No e-mail.
    /// </summary>
    private async Task<(int Created, int Matched)> AddMembersAsync(AppDbContext db, List<HistoryEvent> events, long importId, CancellationToken ct)
    {
        var firsts = events.GroupBy(e => e.CustomerId).Select(g => g.MinBy(e => e.OccurredAt.UtcTicks)!).ToList();
        var byEmail = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in firsts.Select(e => normalizer.NormalizeEmail(e.CustomerEmail)).Distinct().Chunk(Chunk))
            foreach (var u in await db.Users.AsNoTracking().Where(u => chunk.Contains(u.NormalizedEmail!) || chunk.Contains(u.NormalizedUserName!))
                         .Select(u => new { u.Id, u.NormalizedEmail, u.NormalizedUserName }).ToListAsync(ct))
            {
                if (u.NormalizedEmail is { } email)
                    byEmail.TryAdd(email, u.Id);
                if (u.NormalizedUserName is { } name)
                    byEmail.TryAdd(name, u.Id);
            }

        int created = 0, matched = 0;
        var users = new List<ApplicationUser>();
        var links = new List<ImportedCustomer>();
        foreach (var first in firsts)
        {
            var email = first.CustomerEmail.Trim();
            var normalized = normalizer.NormalizeEmail(email);
            if (byEmail.TryGetValue(normalized, out var memberId))
                matched++;
            else
            {
                var user = new ApplicationUser
                {
                    UserName = email,
                    NormalizedUserName = normalizer.NormalizeName(email),
                    Email = email,
                    NormalizedEmail = normalized,
                    EmailConfirmed = true,
                    LockoutEnabled = true,
                    CreatedAt = first.OccurredAt.ToUniversalTime(),
                    SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
                    ConcurrencyStamp = Guid.NewGuid().ToString(),
                };
                users.Add(user);
                byEmail[normalized] = memberId = user.Id;
                created++;
            }
            links.Add(new ImportedCustomer { CustomerId = first.CustomerId, MemberId = memberId, Email = email, ImportId = importId });
        }
        await BulkInsert.InsertAsync(db, users, ct);
        await BulkInsert.InsertAsync(db, links, ct);
        return (created, matched);
    }

    private static ImportedEvent ToRow(HistoryEvent e, string key, long importId) => new()
    {
        Key = key,
        ImportId = importId,
        Line = e.Line,
        OccurredAt = e.OccurredAt.ToUniversalTime(),
        CustomerId = e.CustomerId,
        SubscriptionId = e.SubscriptionId,
        Event = e.Type.ToName(),
        ProductCode = e.Item?.ProductCode,
        PlanCode = e.Item?.PlanCode,
        UnitAmountMinor = e.Item?.UnitAmountMinor,
        Currency = e.Item?.Currency,
        Interval = e.Item?.Interval.ToString().ToLowerInvariant(),
        IntervalCount = e.Item?.IntervalCount,
        Quantity = e.Item?.Quantity,
        DiscountPercent = e.Item?.DiscountPercent,
    };
}
