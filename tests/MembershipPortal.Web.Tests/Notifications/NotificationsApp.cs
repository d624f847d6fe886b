using System.Globalization;
using System.Text.Json;
using MembershipPortal.Infrastructure.Data;
using MembershipPortal.Infrastructure.Email.Outbox;
using MembershipPortal.Infrastructure.Payments;
using MembershipPortal.Tests.Support;
using MembershipPortal.Web.Features.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MembershipPortal.Web.Tests.Notifications;

/// <summary>The portal sending real SMTP to <paramref name="smtpPort"/> (a maildev), with helpers to buy, move the clock and read what arrived.</summary>
public sealed class NotificationsApp(int smtpPort, params (string Key, string Value)[] settings) : IAsyncDisposable
{
    public static readonly CardDetails Good = new(TestPaymentGateway.Succeeds, 12, 2030, "123");
    public static readonly CardDetails FailsOnRenewal = new(TestPaymentGateway.FailsOnRenewal, 12, 2030, "123");

    public PortalFactory Factory { get; } = Configure(new PortalFactory(), smtpPort, settings);
    public TestCatalog Catalog { get; private set; } = null!;

    private static PortalFactory Configure(PortalFactory factory, int port, (string Key, string Value)[] settings)
    {
        factory.WithSetting("Email:Delivery", "Smtp").WithSetting("Email:Smtp:Host", "127.0.0.1")
            .WithSetting("Email:Smtp:Port", port.ToString(CultureInfo.InvariantCulture)).WithSetting("Email:Smtp:UseTls", "false")
            .WithSetting("Email:From", "club@example.test");
        foreach (var (key, value) in settings)
            factory.WithSetting(key, value);
        return factory;
    }

    public async Task<NotificationsApp> StartAsync()
    {
        _ = Factory.Server;
        Catalog = await TestCatalog.CreateAsync(Factory);
        return this;
    }

    public T Get<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public AppDbContext Db() => Get<IDbContextFactory<AppDbContext>>().CreateDbContext();

    public DateTimeOffset Now => Factory.Clock.GetUtcNow();

    public async Task<(string MemberId, string Email, Guid SubscriptionId)> BuyAsync(Guid priceId, CardDetails card, string? firstName = "Ada")
    {
        var email = $"m{Guid.NewGuid():N}@example.test";
        var user = await Factory.CreateUserAsync(email, "a long member passphrase");
        if (firstName is not null)
        {
            await using var db = Db();
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.FirstName, firstName));
        }
        using var scope = Factory.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CheckoutService>()
            .CheckoutAsync(user.Id, email, new CheckoutChoice { PriceId = priceId }, card);
        Assert.True(outcome.Succeeded, outcome.Error);
        return (user.Id, email, outcome.SubscriptionId!.Value);
    }

    /// <summary>Moves the clock, runs the renewal engine and the dispatcher, as the jobs would.</summary>
    public async Task AdvanceAndRunAsync(TimeSpan by)
    {
        Factory.Clock.Advance(by);
        await Get<RenewalRun>().RunOnceAsync(Now);
        await Get<OutboxDispatcher>().DispatchDueAsync();
    }

    public async Task<List<OutboxMessage>> OutboxForAsync(string email)
    {
        await using var db = Db();
        return await db.Outbox.AsNoTracking().Where(o => o.ToAddress == email).OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).ToListAsync();
    }

    public ValueTask DisposeAsync()
    {
        Factory.Dispose();
        return ValueTask.CompletedTask;
    }
}

public static class MailDevExtensions
{
    /// <summary>Messages maildev received for one address, in arrival order.</summary>
    public static async Task<List<JsonElement>> EmailsToAsync(this MailDevServer maildev, string address) =>
        [.. (await maildev.EmailsAsync()).Where(e => e.GetProperty("to").EnumerateArray().Any(t => t.GetProperty("address").GetString() == address))];

    public static string Subject(this JsonElement email) => email.GetProperty("subject").GetString() ?? "";

    public static string MessageId(this JsonElement email) =>
        email.GetProperty("headers").TryGetProperty("message-id", out var v) ? v.ToString() : "";

    /// <summary>The raw message as received (maildev's JSON leaves out headers such as List-Unsubscribe).</summary>
    public static async Task<MimeKit.MimeMessage> SourceAsync(this MailDevServer maildev, JsonElement email)
    {
        await using var stream = await maildev.Api.GetStreamAsync($"api/email/{email.GetProperty("id").GetString()}/source");
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        buffer.Position = 0;
        return await MimeKit.MimeMessage.LoadAsync(buffer);
    }
}
