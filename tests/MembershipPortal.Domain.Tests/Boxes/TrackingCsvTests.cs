using MembershipPortal.Domain.Boxes;

namespace MembershipPortal.Domain.Tests.Boxes;

public sealed class TrackingCsvTests
{
    private static readonly Guid A = Guid.Parse("0e6f5a52-0000-4000-8000-00000000000a");
    private static readonly Guid B = Guid.Parse("0e6f5a52-0000-4000-8000-00000000000b");

    [Fact]
    public void Parse_HeaderInAnyOrderWithOtherColumns_ReadsRowsWithTheirLines()
    {
        var result = TrackingCsv.Parse($"\uFEFFname,Tracking_Number,shipment_id,carrier\nAda,1Z999,{A},UPS\r\n\r\n\"Bob\nBuilder\",'=42,{B},DHL\n");

        Assert.True(result.IsValid);
        Assert.Equal([new TrackingRow(2, A, "UPS", "1Z999"), new TrackingRow(4, B, "DHL", "=42")], result.Rows);
    }

    [Fact]
    public void Parse_BadRows_EachReportedWithItsLineAndReason()
    {
        var csv = $"""
            shipment_id,carrier,tracking_number
            {A},UPS,1Z1
            not-an-id,UPS,1Z2
            {B},,1Z3
            {B},USPS,
            {A},UPS,1Z4
            {B},{new string('x', 65)},1Z5
            """;

        var result = TrackingCsv.Parse(csv);

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                (3, "'not-an-id' is not a shipment id from the export"),
                (4, "the carrier is missing"),
                (5, "the tracking number is missing"),
                (6, $"shipment {A} is already on line 2"),
                (7, "the carrier must be at most 64 characters on one line"),
            ],
            result.Problems.Select(p => (p.Line, p.Reason)));
    }

    [Fact]
    public void Parse_RowsWithoutTracking_LeftAlone()
    {
        var result = TrackingCsv.Parse($"shipment_id,carrier,tracking_number\n{A},,\n{B},UPS,1Z\n");
        Assert.True(result.IsValid);
        Assert.Equal((1, 1), (result.Ignored, result.Rows.Count));
    }

    [Theory]
    [InlineData("", 1, "the file is empty")]
    [InlineData("shipment_id,carrier\n", 1, "the header lacks tracking_number")]
    [InlineData("shipment_id,carrier,tracking_number,shipment\n", 1, "the header names shipment_id twice")]
    [InlineData("shipment_id,carrier,tracking_number\n", 2, "the file has a header but no rows")]
    [InlineData("shipment_id,carrier,tracking_number\nabc,UPS\n", 2, "2 column(s) where the header has 3")]
    public void Parse_UnusableFile_OneProblem(string csv, int line, string reason)
    {
        var problem = Assert.Single(TrackingCsv.Parse(csv).Problems);
        Assert.Equal(line, problem.Line);
        Assert.StartsWith(reason, problem.Reason);
    }
}
