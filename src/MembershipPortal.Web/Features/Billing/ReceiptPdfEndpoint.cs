using System.Security.Claims;
using MembershipPortal.Web.Features.Billing.Pdf;

namespace MembershipPortal.Web.Features.Billing;

/// <summary>Receipt PDFs: the member downloads their own; Owner and Staff download any member's from the member page.</summary>
public static class ReceiptPdfEndpoint
{
    public static async Task<IResult> ForMemberAsync(Guid id, ClaimsPrincipal user, Receipts receipts, CancellationToken ct) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } memberId && await receipts.ForMemberAsync(memberId, id, ct) is { } receipt
            ? File(receipt)
            : Results.NotFound();

    /// <summary>Mapped under the Admin policy; the invoice must belong to the member the address names.</summary>
    public static async Task<IResult> ForStaffAsync(string id, Guid invoiceId, Receipts receipts, CancellationToken ct) =>
        await receipts.ForMemberAsync(id, invoiceId, ct) is { } receipt ? File(receipt) : Results.NotFound();

    private static IResult File(ReceiptDocument receipt) =>
        Results.File(ReceiptPdf.Render(receipt), "application/pdf", $"{receipt.Kind.ToLowerInvariant()}-{FileName(receipt.Number)}.pdf");

    private static string FileName(string number) => new([.. number.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-')]);
}
