namespace MembershipPortal.Infrastructure.Settings;

/// <summary>An Owner setting changed at run time (theme, business name ...), stored as a key/value row.</summary>
public class PortalSetting
{
    public required string Key { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
