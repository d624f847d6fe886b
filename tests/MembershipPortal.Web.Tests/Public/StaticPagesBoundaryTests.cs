using System.Reflection;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Public;

/// <summary>
/// The boundary between static and interactive pages: the reading pages are static (no render mode, no circuit marker
/// in their HTML), and what they render contains no MudBlazor component that only works with a circuit (a toggle group,
/// a chip set, a text field, a select, tabs, a menu, a drawer, a switch, a dialog), anonymous or signed in.
/// </summary>
public sealed class StaticPagesBoundaryTests : IAsyncLifetime
{
    private const string Password = "a long member passphrase";
    private readonly PortalFactory factory = new();
    private TestCatalog catalog = null!;
    private TestContent content = null!;

    /// <summary>The class names MudBlazor gives components that need a circuit to do anything.</summary>
    private static readonly string[] InteractiveOnly =
    [
        "mud-toggle-group", "mud-chipset", "mud-input-control", "mud-select", "mud-tabs", "mud-menu", "mud-drawer",
        "mud-switch", "mud-checkbox", "mud-radio-group", "mud-dialog", "mud-expand-panel", "mud-picker", "mud-autocomplete",
    ];

    private static readonly string[] StaticPages =
    [
        "Home", "Pricing", "ProductPage", "ContentList", "ContentPage", "CourseList", "CoursePage", "LessonPage", "AccountHome",
    ];

    public async Task InitializeAsync()
    {
        catalog = await TestCatalog.CreateAsync(factory, "edge");
        content = await TestContent.CreateAsync(factory, catalog, "edge");
    }

    public Task DisposeAsync()
    {
        factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void TheReadingPages_AreExcludedFromInteractiveRouting_AndNothingElseIs()
    {
        var excluded = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any()
                && t.GetCustomAttribute<ExcludeFromInteractiveRoutingAttribute>() is not null
                && t.Namespace?.Contains(".Components.Account", StringComparison.Ordinal) != true)
            .Select(t => t.Name).Order().ToList();
        Assert.Equal([.. StaticPages.Append("SetupPage").Order()], excluded);
    }

    private IEnumerable<string> Paths() =>
    [
        "/", "/pricing", "/pricing?period=yearly", "/products/edgepro", "/content", "/content?q=Title&kind=Article",
        $"/content/{content.PublicArticle}", $"/content/{content.ProArticle}", "/courses", $"/courses/{content.Course}",
        $"/courses/{content.Course}/lessons/lesson-1",
    ];

    private static IEnumerable<string> Problems(string path, string html)
    {
        if (html.Contains("<!--Blazor:{", StringComparison.Ordinal) && html.Contains("\"type\":\"server\"", StringComparison.Ordinal))
            yield return $"{path}: an interactive server component (a circuit) on a static page";
        foreach (var name in InteractiveOnly)
            if (html.Contains($"class=\"{name}", StringComparison.Ordinal) || html.Contains($" {name} ", StringComparison.Ordinal) || html.Contains($" {name}\"", StringComparison.Ordinal))
                yield return $"{path}: {name} needs a circuit";
    }

    [Fact]
    public async Task EveryStaticPage_RendersNoCircuitAndNoInteractiveOnlyComponent_AnonymousAndSignedIn()
    {
        var problems = new List<string>();
        var visitor = factory.CreateBrowserlessClient();
        foreach (var path in Paths())
        {
            var response = await visitor.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
            problems.AddRange(Problems(path, await response.Content.ReadAsStringAsync()));
        }

        var user = await factory.CreateUserAsync("edge.member@example.test", Password);
        using (var scope = factory.Services.CreateScope())
        {
            var bought = await scope.ServiceProvider.GetRequiredService<CheckoutService>().CheckoutAsync(user.Id, user.Email!,
                new CheckoutChoice { PriceId = catalog.ProMonthly }, new CardDetails(TestPaymentGateway.Succeeds, 12, 2030, "123"));
            Assert.True(bought.Succeeded, bought.Error);
        }
        var member = factory.CreateBrowserlessClient();
        await PortalFactory.LoginAsync(member, user.Email!, Password);
        foreach (var path in Paths().Append("/account"))
        {
            var html = await member.GetStringAsync(path);
            problems.AddRange(Problems("member " + path, html));
            if (path.EndsWith("lesson-1", StringComparison.Ordinal))
                Assert.Contains(TestContent.Secret, html);
        }

        // And the check can fail: the billing page is interactive.
        Assert.NotEmpty(Problems("/account/billing", await member.GetStringAsync("/account/billing")));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
