using System.Security.Cryptography;
using System.Text;
using MembershipPortal.Domain.Catalog;
using MembershipPortal.Domain.Metrics;
using Microsoft.Data.Sqlite;

namespace MembershipPortal.Web.Features.Analytics;

/// <summary>What imported history contributes to the metrics: its MRR changes and the segments and trials of its subscriptions.</summary>
public sealed record ImportedHistoryPart(
    IReadOnlyList<SubscriptionMrrChange> Changes,
    IReadOnlyDictionary<string, SubscriptionSegment> Segments,
    IReadOnlyDictionary<string, TrialRecord> Trials);

/// <summary>
/// Imported history never changes once imported, yet replaying it is most of a cold start (reading every imported row,
/// then the replay): 100,000 customers over 36 months are ~280,000 rows. The replay's result is kept in a binary file
/// beside the SQLite database (or under the temp folder for SQL Server), under a key made of everything it depends on:
/// the imports (ids and file hashes), the reporting currency and the catalog's products. Another key, a damaged file, or
/// an unreadable folder simply means replaying again; the file is written to a temporary name and renamed, so a reader
/// never sees half of one. It is a cache: deleting it is always safe.
/// </summary>
public static class ImportedHistoryCache
{
    private const int Version = 2; // 2: changes stored in SubscriptionMrrChange.Order
    private static readonly byte[] Magic = "MPAC"u8.ToArray();

    /// <summary>The cache file for a database: beside a SQLite file, else per connection string under the temp folder.</summary>
    public static string? PathFor(string? connectionString, bool sqlite)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return null;
        if (sqlite)
        {
            var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
            if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
                return null;
            return Path.GetFullPath(source) + ".analytics-cache";
        }
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(connectionString)))[..24];
        return Path.Combine(Path.GetTempPath(), "membershipportal-analytics", digest + ".analytics-cache");
    }

    /// <summary>The key: the imports (id and file hash, in order), the currency and the products as the replay sees them.</summary>
    public static string Key(string currency, IEnumerable<(long Id, string Sha256)> imports, IEnumerable<(Guid Id, string Slug, string Name, ProductKind Kind)> products)
    {
        var text = new StringBuilder().Append("v").Append(Version).Append('\n').Append(currency).Append('\n');
        foreach (var (id, sha) in imports.OrderBy(i => i.Id))
            text.Append(id).Append(':').Append(sha).Append('\n');
        foreach (var p in products.OrderBy(p => p.Id))
            text.Append(p.Id).Append(':').Append(p.Slug).Append(':').Append(p.Name).Append(':').Append((int)p.Kind).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static void Save(string path, string key, ImportedHistoryPart part)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
                Write(writer, key, part);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    /// <summary>The cached part when the file exists and was made under <paramref name="key"/>; else null.</summary>
    public static ImportedHistoryPart? TryLoad(string path, string key) => TryLoadAny(path) is { } found && found.Key == key ? found.Part : null;

    /// <summary>
    /// Whatever the file holds, with the key it was made under (null when missing or damaged): read before the key is
    /// known (a cold start reads it while it queries the database), and used only if the key then matches.
    /// </summary>
    public static (string Key, ImportedHistoryPart Part)? TryLoadAny(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            return Read(reader);
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or FormatException or ArgumentException or UnauthorizedAccessException
                                       or Domain.Common.DomainException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static void Write(BinaryWriter w, string key, ImportedHistoryPart part)
    {
        w.Write(Magic);
        w.Write(Version);
        w.Write(key);
        // Customer and subscription ids repeat on every change: written once, referred to by index.
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var table = new List<string>();
        int Index(string? s)
        {
            if (s is null)
                return -1;
            if (!strings.TryGetValue(s, out var i))
            { strings[s] = i = table.Count; table.Add(s); }
            return i;
        }
        // In the engine's order, so a cold start merges them with the live changes instead of sorting them all again.
        var changes = part.Changes.Order(SubscriptionMrrChange.Order).Select(c => (Customer: Index(c.CustomerId), Subscription: Index(c.SubscriptionId), Detail: Index(c.Detail), Change: c)).ToList();
        var segments = part.Segments.Select(s => (Key: Index(s.Key), Product: Index(s.Value.ProductKey), Name: Index(s.Value.ProductName), Interval: Index(s.Value.Interval), Segment: s.Value)).ToList();
        var trials = part.Trials.Select(t => (Key: Index(t.Key), Trial: t.Value)).ToList();

        w.Write(table.Count);
        foreach (var s in table)
            w.Write(s);
        w.Write(changes.Count);
        foreach (var (customer, subscription, detail, c) in changes)
        {
            w.Write(customer);
            w.Write(subscription);
            w.Write(c.At.UtcTicks);
            w.Write(c.Sequence);
            w.Write(c.MrrAfter);
            w.Write((byte)c.Reason);
            w.Write(detail);
        }
        w.Write(segments.Count);
        foreach (var (k, product, name, interval, s) in segments)
        {
            w.Write(k);
            w.Write(s.Kind is { } kind ? (int)kind : -1);
            w.Write(product);
            w.Write(name);
            w.Write(interval);
            w.Write(s.Imported);
        }
        w.Write(trials.Count);
        foreach (var (k, t) in trials)
        {
            w.Write(k);
            w.Write(t.StartedAt.UtcTicks);
            w.Write(t.ConvertedAt?.UtcTicks ?? -1);
            w.Write(t.EndedAt?.UtcTicks ?? -1);
        }
        w.Write(Magic); // a truncated file fails here, not silently short
    }

    private static (string Key, ImportedHistoryPart Part)? Read(BinaryReader r)
    {
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || r.ReadInt32() != Version)
            return null;
        var key = r.ReadString();
        var table = new string[r.ReadInt32()];
        for (var i = 0; i < table.Length; i++)
            table[i] = r.ReadString();
        string? Text(int index) => index < 0 ? null : table[index];
        static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);

        var changes = new SubscriptionMrrChange[r.ReadInt32()];
        for (var i = 0; i < changes.Length; i++)
        {
            var customer = table[r.ReadInt32()];
            var subscription = table[r.ReadInt32()];
            var at = Utc(r.ReadInt64());
            var sequence = r.ReadInt64();
            var mrr = r.ReadDecimal();
            var reason = (MrrChangeReason)r.ReadByte();
            changes[i] = new SubscriptionMrrChange(customer, subscription, at, sequence, mrr, reason, Text(r.ReadInt32()));
        }
        var segments = new Dictionary<string, SubscriptionSegment>(StringComparer.Ordinal);
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            var k = table[r.ReadInt32()];
            var kind = r.ReadInt32();
            segments[k] = new SubscriptionSegment(kind < 0 ? null : (ProductKind)kind, table[r.ReadInt32()], table[r.ReadInt32()], table[r.ReadInt32()], r.ReadBoolean());
        }
        var trials = new Dictionary<string, TrialRecord>(StringComparer.Ordinal);
        for (int i = 0, n = r.ReadInt32(); i < n; i++)
        {
            var k = table[r.ReadInt32()];
            var started = Utc(r.ReadInt64());
            var converted = r.ReadInt64();
            var ended = r.ReadInt64();
            trials[k] = new TrialRecord(started, converted < 0 ? null : Utc(converted), ended < 0 ? null : Utc(ended));
        }
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            return null;
        return (key, new ImportedHistoryPart(changes, segments, trials));
    }
}
