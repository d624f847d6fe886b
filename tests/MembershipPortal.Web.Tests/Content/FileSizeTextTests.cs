using MembershipPortal.Web.Features.Content;
using MembershipPortal.Web.Features.Shared;

namespace MembershipPortal.Web.Tests.Content;

/// <summary>The upload limit message names a real size, also for limits under a megabyte.</summary>
public sealed class FileSizeTextTests
{
    [Theory]
    [InlineData(512, "512 bytes")]
    [InlineData(500 * 1024, "500 KB")]
    [InlineData(1536 * 1024, "1.5 MB")]
    [InlineData(200L * 1024 * 1024, "200 MB")]
    [InlineData(2L * 1024 * 1024 * 1024, "2 GB")]
    public void SizeText_NamesTheLimit(long bytes, string expected) => Assert.Equal(expected, FileStore.SizeText(bytes));
}
