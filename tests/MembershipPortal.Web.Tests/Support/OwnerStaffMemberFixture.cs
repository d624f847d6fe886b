using MembershipPortal.Infrastructure.Identity;

namespace MembershipPortal.Tests.Support;

/// <summary>One portal with an Owner, a Staff member and a plain member, each with a signed-in cookie client.</summary>
public sealed class OwnerStaffMemberFixture : IAsyncLifetime
{
    public PortalFactory Factory { get; } = new();
    public HttpClient Owner { get; private set; } = null!;
    public HttpClient Staff { get; private set; } = null!;
    public HttpClient Member { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ = Factory.Server;
        Owner = await Factory.SignedInClientAsync("fixture.owner@example.test", PortalRoles.Owner);
        Staff = await Factory.SignedInClientAsync("fixture.staff@example.test", PortalRoles.Staff);
        Member = await Factory.SignedInClientAsync("fixture.member@example.test", null);
    }


    public Task DisposeAsync()
    {
        Owner.Dispose();
        Staff.Dispose();
        Member.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
