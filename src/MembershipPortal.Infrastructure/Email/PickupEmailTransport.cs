using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Infrastructure.Email;

/// <summary>Writes each message as a real MIME .eml file into a folder: the default, so a fresh machine needs no mail server.</summary>
public sealed class PickupEmailTransport(IOptions<EmailOptions> options, IHostEnvironment environment, TimeProvider clock) : IEmailTransport
{
    public string Directory => Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.PickupDirectory));

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        var mime = MimeBuilder.Build(message, options.Value);
        System.IO.Directory.CreateDirectory(Directory);
        var name = $"{clock.GetUtcNow():yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml";
        var final = Path.Combine(Directory, name);
        var temp = final + ".tmp";
        // Write then rename, so a reader never sees half a message.
        await mime.WriteToAsync(temp, cancellationToken);
        File.Move(temp, final);
    }
}
