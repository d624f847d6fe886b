using System.Net;
using MembershipPortal.Domain.Billing;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Tests.Support;

namespace MembershipPortal.Web.Tests.Content;

/// <summary>One portal with content and a signed-in client per kind of member, shared by the matrix's cases.</summary>
public sealed class AccessMatrixFixture : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private TestCatalog catalog = null!;
    public TestContent Content { get; private set; } = null!;
    public Dictionary<string, HttpClient> Clients { get; } = new();
    private Dictionary<string, HttpClient> clients => Clients;

    public async Task InitializeAsync()
    {
        _ = factory.Server;
        catalog = await TestCatalog.CreateAsync(factory);
        Content = await TestContent.CreateAsync(factory, catalog);
        clients["anonymous"] = factory.CreateBrowserlessClient();
        await Persona("free", null);
        await Persona("basic", catalog.BasicMonthly);
        await Persona("pro", catalog.ProMonthly);
        await Persona("pastdue-in-grace", catalog.ProMonthly, (s, now) => { s.RecordPaymentFailed(now.AddDays(-2)); return s; }, now => now.AddDays(-33));
        await Persona("pastdue-after-grace", catalog.ProMonthly, (s, now) => { s.RecordPaymentFailed(now.AddDays(-8)); return s; }, now => now.AddDays(-39));
        await Persona("paused", catalog.ProMonthly, (s, now) => { s.Pause(now.AddDays(30), now.AddDays(-1)); return s; });
        await Persona("cancel-scheduled", catalog.ProMonthly, (s, now) => { s.ScheduleCancel("Too expensive", now.AddDays(-1)); return s; });
        await Persona("canceled-ended", catalog.ProMonthly, (s, now) => { s.ScheduleCancel("Too expensive", now.AddDays(-40)); s.EndPeriod(now.AddDays(-9)); return s; }, now => now.AddDays(-40));
        await Persona("owner", null, role: PortalRoles.Owner);
    }

    private async Task Persona(string name, Guid? price, Func<Subscription, DateTimeOffset, Subscription>? shape = null, Func<DateTimeOffset, DateTimeOffset>? started = null, string? role = null)
    {
        var email = $"{name}@example.test";
        var user = await factory.CreateUserAsync(email, "a long member passphrase", role);
        if (price is { } p)
            await TestContent.SubscribeAsync(factory, user.Id, p, shape, started?.Invoke(factory.Clock.GetUtcNow()));
        var client = factory.CreateBrowserlessClient();
        var login = await PortalFactory.LoginAsync(client, email, "a long member passphrase");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        clients[name] = client;
    }

    public Task DisposeAsync()
    {
        foreach (var c in clients.Values)
            c.Dispose();
        factory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Every content door × every kind of member: the body, a paywall, or 403 — never a leak.</summary>
public sealed class AccessMatrixTests(AccessMatrixFixture fixture) : IClassFixture<AccessMatrixFixture>
{
    private Dictionary<string, HttpClient> clients => fixture.Clients;
    private TestContent content => fixture.Content;

    public static TheoryData<string, string, string> Matrix()
    {
        // B = body shown, P = paywall (teaser only), 4 = 403 for files.
        var expected = new Dictionary<string, string>
        {
            //                        public members pro  course lesson file
            ["anonymous"] = "B      P       P    P      P      4",
            ["free"] = "B      B       P    P      P      4",
            ["basic"] = "B      B       P    P      P      4",
            ["pro"] = "B      B       B    B      B      2",
            ["pastdue-in-grace"] = "B      B       B    B      B      2",
            ["pastdue-after-grace"] = "B      B       P    P      P      4",
            ["paused"] = "B      B       P    P      P      4",
            ["cancel-scheduled"] = "B      B       B    B      B      2",
            ["canceled-ended"] = "B      B       P    P      P      4",
            ["owner"] = "B      B       B    B      B      2",
        };
        string[] doors = ["public", "members", "pro", "course", "lesson", "file"];
        var data = new TheoryData<string, string, string>();
        foreach (var (persona, row) in expected)
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < doors.Length; i++)
                data.Add(persona, doors[i], cells[i]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Door_Persona_GetsExactlyWhatTheyPaidFor(string persona, string door, string expected)
    {
        var client = clients[persona];
        var path = door switch
        {
            "public" => $"/content/{content.PublicArticle}",
            "members" => $"/content/{content.MembersArticle}",
            "pro" => $"/content/{content.ProArticle}",
            "course" => $"/courses/{content.Course}",
            "lesson" => $"/courses/{content.Course}/lessons/lesson-1",
            _ => $"/files/{content.ProFileId}",
        };
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        if (door == "file")
        {
            Assert.Equal(expected == "2" ? HttpStatusCode.OK : HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(expected == "2", body.Contains("%PDF-secret"));
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (expected == "B")
        {
            if (door != "course")
                Assert.Contains(TestContent.Secret, body);
            Assert.DoesNotContain("data-testid=\"paywall\"", body);
        }
        else
        {
            Assert.DoesNotContain(TestContent.Secret, body);
            Assert.Contains("data-testid=\"paywall\"", body);
        }
    }

    [Fact]
    public async Task File_Download_HasAttachmentDispositionAndSupportsRanges()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{content.ProFileId}");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 3);
        var response = await clients["pro"].SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("%PDF", await response.Content.ReadAsStringAsync());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/files/00000000-0000-0000-0000-000000000000", HttpStatusCode.NotFound)]
    [InlineData("/files/..%2F..%2Fappsettings.json", HttpStatusCode.NotFound)]
    [InlineData("/files/../../appsettings.json", HttpStatusCode.NotFound)]
    [InlineData("/files/%2e%2e%2fportal.db", HttpStatusCode.NotFound)]
    public async Task File_UnknownOrTraversal_NotFoundAndNothingLeaks(string path, HttpStatusCode status)
    {
        var response = await clients["owner"].GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.DoesNotContain("ConnectionStrings", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/content/no-such-item")]
    [InlineData("/courses/no-such-course")]
    public async Task UnknownSlug_Answers404(string path) =>
        Assert.Equal(HttpStatusCode.NotFound, (await clients["pro"].GetAsync(path)).StatusCode);

    [Fact]
    public async Task ScheduledItem_HiddenFromMembersUntilPublished()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await clients["pro"].GetAsync($"/content/{content.Prefix}scheduled")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clients["owner"].GetAsync($"/content/{content.Prefix}scheduled")).StatusCode);
    }

    [Fact]
    public async Task DrippedLesson_ProMember_SeesOpeningDateNotBody()
    {
        await clients["pro"].GetAsync($"/courses/{content.Course}");
        var body = await (await clients["pro"].GetAsync($"/courses/{content.Course}/lessons/lesson-3")).Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"not-yet\"", body);
        Assert.DoesNotContain("Three " + TestContent.Secret, body);
    }

    [Fact]
    public async Task BasicMember_Paywall_NamesCheapestUnlockingPlan()
    {
        var body = await (await clients["basic"].GetAsync($"/content/{content.ProArticle}")).Content.ReadAsStringAsync();
        Assert.Contains("Upgrade to Pro", body);
        Assert.Contains("Teaser " + content.ProArticle, body);
    }
}
