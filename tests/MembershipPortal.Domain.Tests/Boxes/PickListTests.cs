using MembershipPortal.Domain.Boxes;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class PickListTests
{
    [Fact]
    public void For_SumsUnitsByProductAcrossParcels_OneTimeNoteDropped()
    {
        Guid box = Guid.NewGuid(), kit = Guid.NewGuid(), starter = Guid.NewGuid();

        var list = PickList.For([(box, "Tea Box", 2), (kit, "Craft Kit", 1), (kit, "Craft Kit", 1), (kit, "Craft Kit", 1), (starter, "Starter Kit (one-time)", 1)]);

        Assert.Equal([new PickLine(kit, "Craft Kit", 3), new PickLine(box, "Tea Box", 2), new PickLine(starter, "Starter Kit", 1)], list);
    }
}
