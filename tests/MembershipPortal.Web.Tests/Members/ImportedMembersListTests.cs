using System.Text;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Analytics;
using MembershipPortal.Web.Features.Members.Admin;
using MembershipPortal.Web.Tests.Analytics;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Members;

/// <summary>A member brought in by a history import shows, in the members list, the plan they had where they came from.</summary>
public sealed class ImportedMembersListTests : IDisposable
{
    private readonly PortalFactory factory = new();

    public void Dispose() => factory.Dispose();

    [Fact]
    public async Task ImportedMember_ShowsTheirLivePlan_MarkedImported()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<HistoryImportService>()
                .ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(HistoryImportTests.WorkedExample)), "history.csv");
            Assert.True(outcome.Succeeded);
        }

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var page = await scope.ServiceProvider.GetRequiredService<MemberAdminService>()
                .ListAsync(new MemberFilter { Search = "ada@example.com" }, MemberSort.Newest, 0, 10);
            var row = Assert.Single(page.Rows);
            // A (gold-yearly) and C (silver-monthly) were cancelled; B (kit-monthly) recovered and is still running.
            Assert.Equal(("Imported", "kit-monthly (imported)"), (row.Status, row.Plans));
        }
    }
}
