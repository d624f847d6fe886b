using MembershipPortal.Domain.Metrics.Import;

namespace MembershipPortal.Domain.Boxes;

/// <summary>One shipment's tracking from a fulfilment partner's file, with the line it was on.</summary>
public sealed record TrackingRow(int Line, Guid ShipmentId, string Carrier, string TrackingNumber);

/// <summary>The good rows and every bad one; <see cref="Ignored"/> counts rows with neither carrier nor tracking (not shipped yet).</summary>
public sealed record TrackingParseResult(IReadOnlyList<TrackingRow> Rows, IReadOnlyList<ImportProblem> Problems, int Ignored)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// The tracking file a fulfilment partner sends back: a header row naming at least <c>shipment_id</c>, <c>carrier</c> and
/// <c>tracking_number</c> (in any order; other columns are ignored, so the exported file with those two columns filled in
/// can be sent back as it is). Every bad row is reported with its line number and why. A row with neither carrier nor
/// tracking number is not shipped yet and is left alone; a cell the export guarded against spreadsheet formulas
/// (<c>'=...</c>) is read back without the guard.
/// </summary>
public static class TrackingCsv
{
    public const int MaxRows = 50_000;
    public const int MaxCarrierLength = 64;
    public const int MaxTrackingLength = 128;
    public static readonly string[] Required = ["shipment_id", "carrier", "tracking_number"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["shipment_id"] = "shipment_id",
        ["shipment"] = "shipment_id",
        ["order_reference"] = "shipment_id",
        ["reference"] = "shipment_id",
        ["carrier"] = "carrier",
        ["tracking_number"] = "tracking_number",
        ["tracking"] = "tracking_number",
        ["tracking_no"] = "tracking_number",
    };

    public static TrackingParseResult Parse(string text) => Parse(new StringReader(text));

    public static TrackingParseResult Parse(TextReader reader)
    {
        var rows = new List<TrackingRow>();
        var problems = new List<ImportProblem>();
        var records = HistoryCsv.ReadRecords(reader).GetEnumerator();
        var expected = string.Join(',', Required);
        if (!records.MoveNext())
            return new([], [new ImportProblem(1, $"the file is empty; the first line must be a header with {expected}")], 0);

        var (headerLine, header) = records.Current;
        if (header.Count > 0)
            header[0] = header[0].TrimStart('\uFEFF');
        var names = header.Select(h => h.Trim().ToLowerInvariant().Replace(' ', '_')).ToList();
        var index = new Dictionary<string, int>();
        for (var i = 0; i < names.Count; i++)
        {
            if (!Aliases.TryGetValue(names[i], out var column))
                continue;
            if (!index.TryAdd(column, i))
                return new([], [new ImportProblem(headerLine, $"the header names {column} twice")], 0);
        }
        var missing = Required.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            return new([], [new ImportProblem(headerLine, $"the header lacks {string.Join(", ", missing)}; it needs {expected}")], 0);

        var ignored = 0;
        var seen = new Dictionary<Guid, int>();
        var count = 0;
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.All(f => f.Trim().Length == 0))
                continue;
            if (++count > MaxRows)
            {
                problems.Add(new ImportProblem(line, $"the file has more than {MaxRows:N0} rows; split it"));
                break;
            }
            if (fields.Count < names.Count)
            {
                problems.Add(new ImportProblem(line, $"{fields.Count} column(s) where the header has {names.Count}"));
                continue;
            }
            var idText = Cell(fields[index["shipment_id"]]);
            var carrier = Cell(fields[index["carrier"]]);
            var tracking = Cell(fields[index["tracking_number"]]);
            var reasons = new List<string>();
            if (!Guid.TryParse(idText, out var id))
                reasons.Add(idText.Length == 0 ? "the shipment id is missing" : $"'{Shorten(idText)}' is not a shipment id from the export");
            if (carrier.Length == 0 && tracking.Length == 0 && reasons.Count == 0)
            {
                ignored++;
                continue;
            }
            if (carrier.Length == 0)
                reasons.Add("the carrier is missing");
            else if (carrier.Length > MaxCarrierLength || carrier.Any(char.IsControl))
                reasons.Add($"the carrier must be at most {MaxCarrierLength} characters on one line");
            if (tracking.Length == 0)
                reasons.Add("the tracking number is missing");
            else if (tracking.Length > MaxTrackingLength || tracking.Any(char.IsControl))
                reasons.Add($"the tracking number must be at most {MaxTrackingLength} characters on one line");
            if (reasons.Count == 0 && !seen.TryAdd(id, line))
                reasons.Add($"shipment {id} is already on line {seen[id]}");
            if (reasons.Count > 0)
                problems.Add(new ImportProblem(line, string.Join("; ", reasons)));
            else
                rows.Add(new TrackingRow(line, id, carrier, tracking));
        }
        if (count == 0 && problems.Count == 0)
            problems.Add(new ImportProblem(headerLine + 1, "the file has a header but no rows"));
        return new(rows, problems, ignored);
    }

    /// <summary>Trims, and drops the quote the export puts before a cell that would run as a spreadsheet formula.</summary>
    private static string Cell(string value) => Common.Csv.Unguard(value);

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
