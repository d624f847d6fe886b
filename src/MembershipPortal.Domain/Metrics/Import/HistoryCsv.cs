using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MembershipPortal.Domain.Catalog;

namespace MembershipPortal.Domain.Metrics.Import;

public sealed record HistoryParseResult(IReadOnlyList<HistoryEvent> Events, IReadOnlyList<ImportProblem> Problems, int Rows)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Reads METRICS.md §5 files: UTF-8 CSV (RFC 4180 quoting), a header row naming the thirteen columns, one event per row.
/// Checks each row on its own (dates, amounts, codes, which columns an event needs) and reports every bad row with its
/// line number and all of its reasons; order and state are checked afterwards by <see cref="HistoryReplay"/>.
/// </summary>
public static partial class HistoryCsv
{
    public static readonly string[] Columns =
    [
        "occurred_at", "customer_id", "customer_email", "subscription_id", "event", "product_code", "plan_code",
        "unit_amount", "currency", "interval", "interval_count", "quantity", "discount_percent",
    ];

    private static readonly string[] ItemColumns =
        ["product_code", "plan_code", "unit_amount", "currency", "interval", "interval_count", "quantity", "discount_percent"];

    public const int MaxIdLength = 100;

    public static string Header => string.Join(',', Columns);

    public static HistoryParseResult Parse(string text, string reportingCurrency) => Parse(new StringReader(text), reportingCurrency);

    public static HistoryParseResult Parse(TextReader reader, string reportingCurrency)
    {
        var events = new List<HistoryEvent>();
        var problems = new List<ImportProblem>();
        var records = ReadRecords(reader).GetEnumerator();
        if (!records.MoveNext())
            return new HistoryParseResult(events, [new ImportProblem(1, $"the file is empty; the first line must be the header: {Header}")], 0);

        var (headerLine, header) = records.Current;
        if (header.Count > 0)
            header[0] = header[0].TrimStart('\uFEFF');
        var names = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = Columns.Where(c => !names.Contains(c)).ToList();
        var unknown = names.Where(n => !Columns.Contains(n)).ToList();
        var repeated = names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (missing.Count > 0 || unknown.Count > 0 || repeated.Count > 0)
        {
            var reasons = new List<string>();
            if (missing.Count > 0)
                reasons.Add($"missing column(s) {string.Join(", ", missing)}");
            if (unknown.Count > 0)
                reasons.Add($"unknown column(s) {string.Join(", ", unknown)}");
            if (repeated.Count > 0)
                reasons.Add($"repeated column(s) {string.Join(", ", repeated)}");
            return new HistoryParseResult(events, [new ImportProblem(headerLine, $"bad header: {string.Join("; ", reasons)}. Expected: {Header}")], 0);
        }
        var index = Columns.ToDictionary(c => c, c => names.IndexOf(c));

        var rows = 0;
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && fields[0].Length == 0)
                continue;
            rows++;
            if (fields.Count != names.Count)
            {
                problems.Add(new ImportProblem(line, $"{fields.Count} column(s) where the header has {names.Count}"));
                continue;
            }
            var row = new Row(fields, index);
            var (parsed, reasons) = ParseRow(row, line, reportingCurrency);
            if (reasons.Count > 0)
                problems.Add(new ImportProblem(line, string.Join("; ", reasons)));
            else
                events.Add(parsed!);
        }
        return new HistoryParseResult(events, problems, rows);
    }

    private readonly struct Row(List<string> fields, Dictionary<string, int> index)
    {
        public string this[string column] => fields[index[column]].Trim();
    }

    private static (HistoryEvent? Event, List<string> Reasons) ParseRow(Row row, int line, string reportingCurrency)
    {
        var reasons = new List<string>();

        var occurredText = row["occurred_at"];
        DateTimeOffset occurredAt = default;
        if (occurredText.Length == 0)
            reasons.Add("occurred_at is empty");
        else if (!IsoInstant().IsMatch(occurredText)
                 || !DateTimeOffset.TryParse(occurredText, CultureInfo.InvariantCulture, DateTimeStyles.None, out occurredAt))
            reasons.Add($"occurred_at '{occurredText}' is not an ISO 8601 date and time with an offset or Z (e.g. 2026-01-10T09:30:00Z)");

        var customerId = Id(row, "customer_id", reasons);
        var email = row["customer_email"];
        if (email.Length == 0)
            reasons.Add("customer_email is empty");
        else if (email.Length > 256 || !EmailShape().IsMatch(email))
            reasons.Add($"customer_email '{email}' is not an e-mail address");
        var subscriptionId = Id(row, "subscription_id", reasons);

        var eventText = row["event"];
        HistoryEventType type = default;
        var knownEvent = HistoryEventTypes.TryParse(eventText.ToLowerInvariant(), out type);
        if (eventText.Length == 0)
            reasons.Add("event is empty");
        else if (!knownEvent)
            reasons.Add($"unknown event '{eventText}' (expected one of {string.Join(", ", HistoryEventTypes.Names)})");

        HistoryItem? item = null;
        if (knownEvent && type.CarriesItem())
            item = Item(row, type, reportingCurrency, reasons);
        else if (knownEvent)
        {
            var filled = ItemColumns.Where(c => row[c].Length > 0).ToList();
            if (filled.Count > 0)
                reasons.Add($"a {type.ToName()} row leaves the item columns empty, but {string.Join(", ", filled)} {(filled.Count == 1 ? "is" : "are")} set");
        }

        return reasons.Count > 0
            ? (null, reasons)
            : (new HistoryEvent(line, line, occurredAt, customerId, email, subscriptionId, type, item), reasons);
    }

    private static string Id(Row row, string column, List<string> reasons)
    {
        var value = row[column];
        if (value.Length == 0)
            reasons.Add($"{column} is empty");
        else if (value.Length > MaxIdLength)
            reasons.Add($"{column} is longer than {MaxIdLength} characters");
        return value;
    }

    private static HistoryItem? Item(Row row, HistoryEventType type, string reportingCurrency, List<string> reasons)
    {
        var before = reasons.Count;
        var missing = new[] { "product_code", "plan_code", "unit_amount", "currency", "interval" }.Where(c => row[c].Length == 0).ToList();
        if (missing.Count > 0)
            reasons.Add($"a {type.ToName()} row needs the item columns; {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} empty");

        var product = row["product_code"];
        var plan = row["plan_code"];
        if (product.Length > MaxIdLength)
            reasons.Add($"product_code is longer than {MaxIdLength} characters");
        if (plan.Length > MaxIdLength)
            reasons.Add($"plan_code is longer than {MaxIdLength} characters");

        long amount = 0;
        var amountText = row["unit_amount"];
        if (amountText.Length > 0)
        {
            if (!long.TryParse(amountText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out amount))
                reasons.Add($"unit_amount '{amountText}' is not a whole number of minor units (cents)");
            else if (amount < 0)
                reasons.Add($"unit_amount {amountText} is negative");
        }

        var currency = row["currency"].ToUpperInvariant();
        if (currency.Length > 0)
        {
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetter))
                reasons.Add($"currency '{row["currency"]}' is not a three-letter ISO code");
            else if (!string.Equals(currency, reportingCurrency, StringComparison.OrdinalIgnoreCase))
                reasons.Add($"currency {currency} is not the reporting currency {reportingCurrency.ToUpperInvariant()}");
        }

        var intervalText = row["interval"].ToLowerInvariant();
        BillingInterval interval = default;
        if (intervalText.Length > 0)
        {
            interval = intervalText switch
            {
                "day" => BillingInterval.Day,
                "week" => BillingInterval.Week,
                "month" => BillingInterval.Month,
                "year" => BillingInterval.Year,
                _ => (BillingInterval)(-1),
            };
            if (!Enum.IsDefined(interval))
                reasons.Add($"interval '{row["interval"]}' is not day, week, month or year");
        }

        var intervalCount = Count(row, "interval_count", reasons);
        var quantity = Count(row, "quantity", reasons);

        decimal discount = 0;
        var discountText = row["discount_percent"];
        if (discountText.Length > 0
            && (!decimal.TryParse(discountText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out discount)
                || discount < 0 || discount > 100))
            reasons.Add($"discount_percent '{discountText}' is not a number from 0 to 100");

        return reasons.Count > before
            ? null
            : new HistoryItem(product, plan, amount, currency, interval, intervalCount, quantity, discount);
    }

    /// <summary>interval_count and quantity: a whole number of at least 1; empty means 1.</summary>
    private static int Count(Row row, string column, List<string> reasons)
    {
        var text = row[column];
        if (text.Length == 0)
            return 1;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < 1 || value > 1_000_000)
        {
            reasons.Add($"{column} '{text}' is not a whole number of at least 1");
            return 1;
        }
        return value;
    }

    /// <summary>RFC 4180 records with the line each starts on; quoted fields may hold commas, quotes ("") and line breaks.</summary>
    internal static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    { reader.Read(); field.Append('"'); }
                    else
                        quoted = false;
                }
                else
                {
                    if (ch == '\n')
                        line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    if (reader.Peek() == '\n')
                        reader.Read();
                    goto case '\n';
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return (recordLine, fields);
                    fields = [];
                    line++;
                    recordLine = line;
                    any = false;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (any)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?([Zz]|[+-]\d{2}:?\d{2})$")]
    private static partial Regex IsoInstant();

    [GeneratedRegex(@"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")]
    private static partial Regex EmailShape();
}
