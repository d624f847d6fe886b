namespace MembershipPortal.Web.Features.Shared;

/// <summary>
/// Whether the portal's cookies (sign-in, antiforgery) are <c>Secure</c> with the <c>__Host-</c> prefix: everywhere
/// but Development, unless the Owner deliberately serves the portal over plain http (<c>Portal:PublicUrl</c> starting
/// with <c>http://</c>, say a trial on a home network), where a Secure cookie would never come back and every form would
/// fail. Start-up warns about that choice.
/// </summary>
public static class SecureCookies
{
    public static bool Required(IHostEnvironment environment, IConfiguration configuration) =>
        !environment.IsDevelopment() && !PlainHttp(configuration);

    /// <summary>The configured public address (or its old name) is a plain http one.</summary>
    public static bool PlainHttp(IConfiguration configuration) =>
        PublicUrlSetting.Read(configuration)?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true;
}
