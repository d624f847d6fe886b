namespace MembershipPortal.Infrastructure.Members;

/// <summary>A note Staff or the Owner keep about a member ("called about the late kit"); never shown to the member.</summary>
public class MemberNote
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string MemberId { get; set; }
    public string? AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset At { get; set; }
}
