using System.Net;
using System.Net.Sockets;
using StripeSdk = Stripe;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>The fake as a standalone server on a real socket, with Stripe.net pointed at it through ApiBase.</summary>
public sealed class StripeFakeServerTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Server_StripeNetThroughApiBase_CheckoutPagePaysAndSubscribes()
    {
        var port = FreePort();
        var fake = new StripeFake(TimeProvider.System, "whsec_local");
        await using var app = StripeFakeServer.Build(fake, $"http://127.0.0.1:{port}", new Uri($"http://127.0.0.1:{FreePort()}/webhooks/stripe"));
        await app.StartAsync();
        var stripe = new StripeSdk.StripeClient(new StripeSdk.StripeClientOptions { ApiKey = "sk_test_local", ApiBase = $"http://127.0.0.1:{port}" });

        var product = await stripe.V1.Products.CreateAsync(new StripeSdk.ProductCreateOptions { Name = "Pro" });
        var price = await stripe.V1.Prices.CreateAsync(new StripeSdk.PriceCreateOptions
        {
            Product = product.Id,
            UnitAmount = 2000,
            Currency = "usd",
            Recurring = new StripeSdk.PriceRecurringOptions { Interval = "month" },
        });
        var customer = await stripe.V1.Customers.CreateAsync(new StripeSdk.CustomerCreateOptions { Email = "local@example.test" });
        var session = await stripe.V1.Checkout.Sessions.CreateAsync(new StripeSdk.Checkout.SessionCreateOptions
        {
            Mode = "subscription",
            Customer = customer.Id,
            SuccessUrl = "http://127.0.0.1:5080/account/billing",
            CancelUrl = "http://127.0.0.1:5080/",
            LineItems = [new StripeSdk.Checkout.SessionLineItemOptions { Price = price.Id, Quantity = 1 }],
        });

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        Assert.StartsWith($"http://127.0.0.1:{port}/_fake/checkout/", session.Url);
        Assert.Contains("Pay with the test card", await browser.GetStringAsync(session.Url));
        var paid = await browser.PostAsync(session.Url, null);

        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.Equal("http://127.0.0.1:5080/account/billing", paid.Headers.Location!.ToString());
        var subscriptions = await stripe.V1.Subscriptions.ListAsync(new StripeSdk.SubscriptionListOptions { Customer = customer.Id });
        var subscription = Assert.Single(subscriptions.Data);
        Assert.Equal("active", subscription.Status);
        Assert.Equal(2000, subscription.Items.Data[0].Price.UnitAmount);
        Assert.Contains(fake.Events(), e => (string?)e["type"] == "invoice.paid");
        await app.StopAsync();
    }
}
