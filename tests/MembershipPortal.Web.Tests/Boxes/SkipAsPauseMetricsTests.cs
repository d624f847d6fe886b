using MembershipPortal.Domain.Metrics;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Boxes;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Boxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Boxes;

/// <summary>
/// The Owner's choice: a skipped box either keeps its MRR (default) or counts as a pause for its cycle, 0 MRR for the
/// month whose renewal the skip waived, then back. The dashboard's store picks the change up without a restart.
/// </summary>
public sealed class SkipAsPauseMetricsTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private TestCatalog catalog = null!;

    public async Task InitializeAsync()
    {
        _ = factory.Server;
        catalog = await TestCatalog.CreateAsync(factory);
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }

    private async Task<decimal[]> MrrEndAsync(string from, string to)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<AnalyticsService>().MonthlyAsync(YearMonth.Parse(from), YearMonth.Parse(to));
        return [.. rows.Select(r => r.MrrEnd)];
    }

    private async Task<string?> SetOptionAsync(bool on, string role)
    {
        // The actor must be a real account holding the role: every Owner/Staff write is checked against the database.
        var email = $"someone.{role.ToLowerInvariant()}@example.test";
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<MembershipPortal.Infrastructure.Identity.ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? await factory.CreateUserAsync(email, "a long member passphrase", role);
        return await scope.ServiceProvider.GetRequiredService<BoxSettings>().SetSkipCountsAsPauseAsync(on, new AuditActor(user.Id, email, role));
    }

    [Fact]
    public async Task SkippedCycle_CountsAsAPauseOnlyWhenTheOwnerChooses()
    {
        var member = await factory.CreateUserAsync("skip-pause@example.test", "a long member passphrase");
        var started = new DateTimeOffset(2026, 7, 10, 12, 0, 0, TimeSpan.Zero);
        var sub = await TestContent.SubscribeAsync(factory, member.Id, catalog.BoxMonthly, started: started);
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            db.BoxSkips.Add(new BoxSkip { SubscriptionId = sub.Id, Cycle = "2026-09", At = started.AddDays(40), WaivedPeriodStart = started.AddMonths(2) });
            await db.SaveChangesAsync();
        }
        var box = sub.MonthlyRecurringMinor();
        Assert.True(box > 0);

        Assert.Equal([box, box, box], await MrrEndAsync("2026-08", "2026-10"));
        Assert.Equal("Only the Owner can change this.", await SetOptionAsync(true, PortalRoles.Staff));
        Assert.Equal([box, box, box], await MrrEndAsync("2026-08", "2026-10"));

        Assert.Null(await SetOptionAsync(true, PortalRoles.Owner));
        var paused = await MrrEndAsync("2026-08", "2026-10");
        Assert.Equal([box, 0m, box], paused);

        Assert.Null(await SetOptionAsync(false, PortalRoles.Owner));
        Assert.Equal([box, box, box], await MrrEndAsync("2026-08", "2026-10"));
    }

    [Fact]
    public async Task SkipNotYetReachedByARenewal_ChangesNothing()
    {
        var member = await factory.CreateUserAsync("skip-later@example.test", "a long member passphrase");
        var sub = await TestContent.SubscribeAsync(factory, member.Id, catalog.BoxMonthly, started: new DateTimeOffset(2026, 7, 10, 12, 0, 0, TimeSpan.Zero));
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            db.BoxSkips.Add(new BoxSkip { SubscriptionId = sub.Id, Cycle = "2027-01", At = factory.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        Assert.Null(await SetOptionAsync(true, PortalRoles.Owner));

        var mrr = await MrrEndAsync("2026-11", "2026-11");

        Assert.Equal(sub.MonthlyRecurringMinor(), mrr[0]);
    }
}
