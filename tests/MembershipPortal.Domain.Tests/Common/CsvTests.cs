using MembershipPortal.Domain.Common;

namespace MembershipPortal.Domain.Tests.Common;

public sealed class CsvTests
{
    [Theory]
    [InlineData("Ada", "Ada")]
    [InlineData("Ada, Countess", "\"Ada, Countess\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1+cmd", "'+1+cmd")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("-12.50", "-12.50")] // a plain number is not a formula: money columns stay numbers
    [InlineData("+7", "+7")]
    [InlineData("", "")]
    public void Cell_QuotesAndGuardsFormulas(string value, string expected) => Assert.Equal(expected, Csv.Cell(value));

    [Theory]
    [InlineData("'=42", "=42")]
    [InlineData(" '-x ", "-x")]
    [InlineData("'plain", "'plain")]
    public void Unguard_DropsOnlyTheGuardsQuote(string value, string expected) => Assert.Equal(expected, Csv.Unguard(value));
}
