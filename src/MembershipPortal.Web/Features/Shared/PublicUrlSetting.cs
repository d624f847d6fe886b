namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// <c>Portal:PublicUrl</c> as configured, or its old name <c>Portal:BaseUrl</c>, read straight from configuration for
/// what is decided while the host is built (allowed hosts, cookie security); null when neither is set.
/// </summary>
public static class PublicUrlSetting
{
    public static string? Read(IConfiguration configuration) =>
        (configuration["Portal:PublicUrl"] is { Length: > 0 } url ? url : configuration["Portal:BaseUrl"])?.Trim() is { Length: > 0 } set ? set : null;
}
