using System.Globalization;

namespace MembershipPortal.Domain.Common;

/// <summary>An amount in integer minor units (cents) of an ISO 4217 currency. Never a floating-point number.</summary>
public readonly record struct Money
{
    public long Minor { get; }
    public string Currency { get; }

    public Money(long minor, string currency)
    {
        if (string.IsNullOrWhiteSpace(currency) || currency.Length != 3 || !currency.All(char.IsAsciiLetter))
            throw new DomainException($"'{currency}' is not a three-letter ISO currency code.");
        Minor = minor;
        Currency = currency.ToUpperInvariant();
    }

    public static Money Zero(string currency) => new(0, currency);

    public static Money operator +(Money a, Money b) => new(checked(a.Minor + b.Minor), SameCurrency(a, b));
    public static Money operator -(Money a, Money b) => new(checked(a.Minor - b.Minor), SameCurrency(a, b));
    public static Money operator *(Money a, long factor) => new(checked(a.Minor * factor), a.Currency);

    public bool IsNegative => Minor < 0;

    /// <summary>Digits after the decimal point for the currency (zero-decimal currencies such as JPY have none).</summary>
    public static int Decimals(string currency) => currency.ToUpperInvariant() switch
    {
        "JPY" or "KRW" or "VND" or "CLP" or "ISK" or "UGX" or "XAF" or "XOF" or "PYG" or "RWF" => 0,
        "BHD" or "KWD" or "OMR" or "JOD" or "TND" => 3,
        _ => 2,
    };

    public decimal ToDecimal() => Minor / (decimal)Pow10(Decimals(Currency));

    public static Money FromDecimal(decimal amount, string currency) =>
        new((long)decimal.Round(amount * Pow10(Decimals(currency)), 0, MidpointRounding.AwayFromZero), currency);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{ToDecimal().ToString("N" + Decimals(Currency), CultureInfo.InvariantCulture)} {Currency}");

    /// <summary>Human display such as "$12.00" for common currencies, "12.00 CHF" otherwise.</summary>
    public string Display()
    {
        var symbol = Currency switch { "USD" => "$", "EUR" => "€", "GBP" => "£", "JPY" => "¥", "CAD" => "CA$", "AUD" => "A$", _ => null };
        var number = Math.Abs(ToDecimal()).ToString("N" + Decimals(Currency), CultureInfo.InvariantCulture);
        var sign = Minor < 0 ? "-" : "";
        return symbol is null ? $"{sign}{number} {Currency}" : $"{sign}{symbol}{number}";
    }

    private static long Pow10(int n) => n switch { 0 => 1, 3 => 1000, _ => 100 };

    private static string SameCurrency(Money a, Money b) =>
        a.Currency == b.Currency ? a.Currency : throw new DomainException($"Cannot combine {a.Currency} and {b.Currency}.");
}
