using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace MembershipPortal.Infrastructure.Email;

public enum EmailDelivery { Pickup, Smtp }

public sealed class EmailOptions
{
    public const string Section = "Email";

    public EmailDelivery Delivery { get; set; } = EmailDelivery.Pickup;

    [Required, EmailAddress] public string From { get; set; } = "portal@localhost";
    public string FromName { get; set; } = "MembershipPortal";

    /// <summary>Folder for .eml files when Delivery is Pickup; relative paths are under the content root.</summary>
    public string PickupDirectory { get; set; } = "App_Data/mail";

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    [Range(1, 65535)] public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public bool UseTls { get; set; } = true;
}

internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        if (options.Delivery == EmailDelivery.Smtp && string.IsNullOrWhiteSpace(options.Smtp.Host))
            return ValidateOptionsResult.Fail("Email:Delivery is Smtp but the setting Email:Smtp:Host is missing.");
        if (options.Smtp.Port is < 1 or > 65535)
            return ValidateOptionsResult.Fail("Email:Smtp:Port must be between 1 and 65535.");
        return ValidateOptionsResult.Success;
    }
}
