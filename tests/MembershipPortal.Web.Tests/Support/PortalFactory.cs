using System.Net;
using System.Text.RegularExpressions;
using MembershipPortal.Infrastructure.Audit;
using MembershipPortal.Infrastructure.Identity;
using MembershipPortal.Web.Features.Shared.UseCases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace MembershipPortal.Tests.Support;

/// <summary>
/// The real portal on a throw-away SQLite file and pickup folder, with a clock tests can move.
/// Shared by the integration tests (in-memory server) and the browser tests (real Kestrel).
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));
    public string MailDirectory => Path.Combine(Root, "mail");
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, string?> settings = new();

    public PortalFactory WithSetting(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(Root);
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={Path.Combine(Root, "portal.db")}");
        builder.UseSetting("Email:PickupDirectory", MailDirectory);
        builder.UseSetting("Content:FilesPath", Path.Combine(Root, "files"));
        // Tests call the jobs' units directly with the fake clock; a timer firing on Clock.Advance would race them.
        builder.UseSetting("Jobs:Enabled", "false");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public HttpClient CreateBrowserlessClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Creates a confirmed account directly, optionally in a role.</summary>
    public async Task<ApplicationUser> CreateUserAsync(string email, string password, string? role = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = Clock.GetUtcNow() };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        if (role is not null)
            await users.AddToRoleAsync(user, role);
        return user;
    }

    /// <summary>
    /// Runs a use case as <paramref name="actor"/> (null: nobody signed in), the way a page's event does: the acting
    /// user is ambient, the runner and the use case's handler come from one request scope.
    /// </summary>
    public async Task<Outcome> RunAsAsync<TRequest>(AuditActor? actor, TRequest request) where TRequest : IUseCaseRequest
    {
        AuditAmbient.Current = actor;
        try
        {
            await using var scope = Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<UseCaseRunner>().RunAsync(request);
        }
        finally
        {
            AuditAmbient.Current = null;
        }
    }

    /// <summary>Posts a static server-rendered Blazor form the way a browser would (antiforgery token and handler name from the page).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(path);
        var form = new Dictionary<string, string>(fields);
        foreach (Match m in Regex.Matches(page, "<input[^>]*type=\"hidden\"[^>]*>"))
        {
            var name = Regex.Match(m.Value, "name=\"([^\"]+)\"").Groups[1].Value;
            var value = WebUtility.HtmlDecode(Regex.Match(m.Value, "value=\"([^\"]*)\"").Groups[1].Value);
            if (name.Length > 0)
                form.TryAdd(name, value);
        }
        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>A new account (optionally in a role) and a cookie client already signed in as it.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email, string? role = null, string password = "a long member passphrase")
    {
        await CreateUserAsync(email, password, role);
        var client = CreateBrowserlessClient();
        var login = await LoginAsync(client, email, password);
        if (login.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in as {email} answered {login.StatusCode}.");
        return client;
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            { Directory.Delete(Root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
