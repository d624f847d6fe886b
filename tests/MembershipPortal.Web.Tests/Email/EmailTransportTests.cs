using MembershipPortal.Infrastructure.Email;
using MembershipPortal.Tests.Support;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace MembershipPortal.Web.Tests.Email;

public sealed class EmailTransportTests(MailDevServer maildev) : IClassFixture<MailDevServer>
{
    private static readonly EmailMessage Message = new("member@example.test", "Your receipt", "<p>Thanks for <b>joining</b></p>", "Thanks for joining", "<fixed-id@portal.test>", "Ada Member");

    [Fact]
    public async Task Pickup_Send_WritesRealMimeFileWithBothBodies()
    {
        var root = Directory.CreateTempSubdirectory("pickup").FullName;
        var options = Options.Create(new EmailOptions { PickupDirectory = "mail", From = "club@example.test", FromName = "Craft Club" });
        var transport = new PickupEmailTransport(options, new Env(root), new FakeTimeProvider());

        await transport.SendAsync(Message);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(root, "mail"), "*.eml"));
        var mime = await MimeMessage.LoadAsync(file);
        Assert.Equal("Your receipt", mime.Subject);
        Assert.Equal("fixed-id@portal.test", mime.MessageId);
        Assert.Equal("club@example.test", mime.From.Mailboxes.Single().Address);
        Assert.Equal("member@example.test", mime.To.Mailboxes.Single().Address);
        Assert.Contains("<b>joining</b>", mime.HtmlBody);
        Assert.Equal("Thanks for joining", mime.TextBody?.Trim());
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task Smtp_Send_ArrivesAtRealServer()
    {
        await maildev.ClearAsync();
        var options = Options.Create(new EmailOptions
        {
            Delivery = EmailDelivery.Smtp,
            From = "club@example.test",
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = maildev.SmtpPort, UseTls = false },
        });

        await new SmtpEmailTransport(options).SendAsync(Message);

        var mail = Assert.Single(await maildev.EmailsAsync());
        Assert.Equal("Your receipt", mail.GetProperty("subject").GetString());
        Assert.Equal("member@example.test", mail.GetProperty("to")[0].GetProperty("address").GetString());
        Assert.Contains("<b>joining</b>", mail.GetProperty("html").GetString());
        Assert.Contains("Thanks for joining", mail.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Smtp_ServerDown_Throws()
    {
        var options = Options.Create(new EmailOptions
        {
            Delivery = EmailDelivery.Smtp,
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = 1, UseTls = false },
        });
        await Assert.ThrowsAnyAsync<Exception>(() => new SmtpEmailTransport(options).SendAsync(Message));
    }

    private sealed class Env(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
