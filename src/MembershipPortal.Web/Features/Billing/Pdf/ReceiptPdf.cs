using System.Reflection;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace MembershipPortal.Web.Features.Billing.Pdf;

/// <summary>
/// Draws a <see cref="ReceiptDocument"/> as an A4 PDF: the seller (name, address, tax ID), who was billed, the lines,
/// the totals, and every payment and refund. The same model feeds the receipt page, so both say the same.
/// </summary>
public static class ReceiptPdf
{
    private const string Family = "DejaVu Sans";
    private const double Margin = 50;
    private static readonly XColor Muted = XColor.FromArgb(0x5f, 0x63, 0x68);
    private static readonly XColor Rule = XColor.FromArgb(0xd8, 0xda, 0xe0);

    static ReceiptPdf()
    {
        // PDFsharp 6 reads no system fonts on Linux and allows one resolver per process, set before the first font is used.
        if (GlobalFontSettings.FontResolver is not EmbeddedFonts)
            GlobalFontSettings.FontResolver = EmbeddedFonts.Instance;
    }

    public static byte[] Render(ReceiptDocument receipt)
    {
        using var document = new PdfDocument();
        document.Info.Title = $"{receipt.Kind} {receipt.Number}";
        document.Info.Author = receipt.Seller.Name;
        var writer = new PageWriter(document);

        // Seller on the left, what this is on the right.
        var top = writer.Y;
        writer.Text(receipt.Seller.Name, 15, bold: true);
        foreach (var line in receipt.Seller.AddressLines)
            writer.Text(line, 9, color: Muted);
        if (receipt.Seller.TaxId is { } taxId)
            writer.Text($"Tax ID: {taxId}", 9, color: Muted);
        var leftBottom = writer.Y;
        writer.Y = top;
        writer.Text(receipt.Kind, 20, bold: true, align: XStringAlignment.Far);
        writer.Text(receipt.Number, 9, align: XStringAlignment.Far);
        writer.Text($"Date: {Receipts.Date(receipt.IssuedAt)}", 9, align: XStringAlignment.Far);
        writer.Text($"Status: {receipt.StatusText}", 9, bold: true, align: XStringAlignment.Far);
        writer.Y = Math.Max(leftBottom, writer.Y) + 18;

        writer.Text("BILLED TO", 8, bold: true, color: Muted);
        if (receipt.MemberName.Length > 0)
            writer.Text(receipt.MemberName, 10);
        writer.Text(receipt.MemberEmail, 10);
        foreach (var line in receipt.BillingAddress)
            writer.Text(line, 9, color: Muted);
        writer.Y += 16;

        // Lines: item (and its plan and period), quantity, amount.
        var qtyRight = writer.Right - 90;
        writer.Row([("Item", XStringAlignment.Near, writer.Left), ("Qty", XStringAlignment.Far, qtyRight), ("Amount", XStringAlignment.Far, writer.Right)], 8, bold: true, color: Muted);
        writer.HorizontalRule();
        foreach (var line in receipt.Lines)
        {
            writer.EnsureRoom(30);
            var rowTop = writer.Y;
            writer.Wrapped(line.Title, 10, qtyRight - 60 - writer.Left);
            if (line.Detail is { } detail)
                writer.Wrapped(detail, 8, qtyRight - 60 - writer.Left, color: Muted);
            var after = writer.Y;
            writer.Y = rowTop;
            writer.Row([(line.Kind == ReceiptLineKind.Item ? line.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", XStringAlignment.Far, qtyRight),
                (Receipts.Signed(line.Amount), XStringAlignment.Far, writer.Right)], 10);
            writer.Y = Math.Max(after, writer.Y) + 4;
        }
        writer.HorizontalRule();

        void Total(string label, string amount, bool bold = false) =>
            writer.Row([(label, XStringAlignment.Far, qtyRight), (amount, XStringAlignment.Far, writer.Right)], 10, bold: bold);
        Total("Subtotal", receipt.Subtotal.Display());
        if (receipt.Discount.Minor != 0)
            Total("Discounts", "−" + receipt.Discount.Display());
        if (receipt.Tax.Minor != 0)
            Total("Tax", receipt.Tax.Display());
        Total("Total", receipt.Total.Display(), bold: true);
        writer.Y += 16;

        if (receipt.Payments.Count > 0 || receipt.Refunds.Count > 0)
        {
            writer.EnsureRoom(60);
            writer.Text("PAYMENTS AND REFUNDS", 8, bold: true, color: Muted);
            writer.HorizontalRule();
            foreach (var payment in receipt.Payments)
                writer.Row([(Receipts.Date(payment.At), XStringAlignment.Near, writer.Left), ($"Paid · {payment.CardText}", XStringAlignment.Near, writer.Left + 90),
                    (payment.Amount.Display(), XStringAlignment.Far, writer.Right)], 10);
            foreach (var refund in receipt.Refunds)
                writer.Row([(Receipts.Date(refund.At), XStringAlignment.Near, writer.Left), ($"Refunded · {refund.CardText}", XStringAlignment.Near, writer.Left + 90),
                    ("−" + refund.Amount.Display(), XStringAlignment.Far, writer.Right)], 10);
            if (receipt.Refunds.Count > 0)
                writer.Row([("Net paid", XStringAlignment.Near, writer.Left + 90), ((receipt.Paid - receipt.Refunded).Display(), XStringAlignment.Far, writer.Right)], 10, bold: true);
        }

        writer.Finish();
        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    /// <summary>Writes top to bottom, starting a new page when the current one is full.</summary>
    private sealed class PageWriter
    {
        private readonly PdfDocument document;
        private XGraphics graphics = null!;
        private double bottom;

        public PageWriter(PdfDocument document)
        {
            this.document = document;
            NewPage();
        }

        public double Y { get; set; }
        public double Left => Margin;
        public double Right { get; private set; }

        private void NewPage()
        {
            graphics?.Dispose();
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            graphics = XGraphics.FromPdfPage(page);
            Right = page.Width.Point - Margin;
            bottom = page.Height.Point - Margin;
            Y = Margin;
        }

        public void Finish() => graphics.Dispose();

        public void EnsureRoom(double height)
        {
            if (Y + height > bottom)
                NewPage();
        }

        private static XFont Font(double size, bool bold) => new(Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);

        public void Text(string text, double size, bool bold = false, XColor? color = null, XStringAlignment align = XStringAlignment.Near)
        {
            EnsureRoom(size * 1.5);
            var format = new XStringFormat { Alignment = align, LineAlignment = XLineAlignment.Near };
            graphics.DrawString(text, Font(size, bold), new XSolidBrush(color ?? XColors.Black), new XRect(Left, Y, Right - Left, size * 1.4), format);
            Y += size * 1.45;
        }

        /// <summary>Cells on one line, each aligned at its x (left edge for Near, right edge for Far).</summary>
        public void Row(IReadOnlyList<(string Text, XStringAlignment Align, double X)> cells, double size, bool bold = false, XColor? color = null)
        {
            EnsureRoom(size * 1.6);
            var font = Font(size, bold);
            var brush = new XSolidBrush(color ?? XColors.Black);
            foreach (var (text, align, x) in cells)
            {
                var rect = align == XStringAlignment.Far ? new XRect(Left, Y, x - Left, size * 1.4) : new XRect(x, Y, Right - x, size * 1.4);
                graphics.DrawString(text, font, brush, rect, new XStringFormat { Alignment = align, LineAlignment = XLineAlignment.Near });
            }
            Y += size * 1.6;
        }

        /// <summary>Text broken into lines at spaces to fit <paramref name="width"/>.</summary>
        public void Wrapped(string text, double size, double width, XColor? color = null)
        {
            var font = Font(size, false);
            var line = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && graphics.MeasureString(candidate, font).Width > width)
                {
                    Text(line, size, color: color);
                    line = word;
                }
                else
                    line = candidate;
            }
            if (line.Length > 0)
                Text(line, size, color: color);
        }

        public void HorizontalRule()
        {
            graphics.DrawLine(new XPen(Rule, 0.75), Left, Y, Right, Y);
            Y += 6;
        }
    }
}

/// <summary>DejaVu Sans, regular and bold, from this assembly's resources (Bitstream Vera licence; see Fonts/LICENSE-DejaVu.txt).</summary>
internal sealed class EmbeddedFonts : IFontResolver
{
    public static readonly EmbeddedFonts Instance = new();
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Every family maps to DejaVu Sans; italics are slanted by PDFsharp (no italic face is embedded).
        new(bold ? Bold : Regular, false, italic);

    public byte[]? GetFont(string faceName)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MembershipPortal.Fonts.{faceName}.ttf")
            ?? throw new InvalidOperationException($"The font {faceName} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
