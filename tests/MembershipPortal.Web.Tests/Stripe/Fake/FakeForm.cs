using System.Net;
using System.Text.Json.Nodes;

namespace MembershipPortal.Web.Tests.Stripe.Fake;

/// <summary>
/// Stripe's request encoding (form bodies and query strings with bracketed keys: <c>items[0][price]=x</c>,
/// <c>metadata[member_id]=y</c>, <c>expand[0]=a.b</c>) turned into a JSON tree: numeric keys make arrays, values stay strings.
/// </summary>
public static class FakeForm
{
    public static JsonObject Parse(string encoded)
    {
        var root = new JsonObject();
        foreach (var pair in encoded.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = WebUtility.UrlDecode(parts[0]);
            var value = parts.Length > 1 ? WebUtility.UrlDecode(parts[1]) : "";
            Set(root, Path(key), value);
        }
        return Normalize(root).AsObject();
    }

    private static List<string> Path(string key)
    {
        var segments = new List<string>();
        var open = key.IndexOf('[');
        segments.Add(open < 0 ? key : key[..open]);
        while (open >= 0)
        {
            var close = key.IndexOf(']', open);
            if (close < 0)
                break;
            segments.Add(key[(open + 1)..close]);
            open = key.IndexOf('[', close);
        }
        return segments;
    }

    private static void Set(JsonObject root, List<string> path, string value)
    {
        var node = root;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (node[path[i]] is not JsonObject child)
                node[path[i]] = child = new JsonObject();
            node = child;
        }
        // "expand[]=a" (no index) repeats the key: give each its own slot.
        var last = path[^1];
        if (last.Length == 0)
            last = node.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        node[last] = value;
    }

    /// <summary>Objects whose keys are 0..n-1 become arrays.</summary>
    private static JsonNode Normalize(JsonNode node)
    {
        if (node is not JsonObject obj)
            return node.DeepClone();
        var keys = obj.Select(p => p.Key).ToList();
        if (keys.Count > 0 && keys.All(k => int.TryParse(k, out _)))
            return new JsonArray([.. keys.OrderBy(int.Parse).Select(k => (JsonNode?)Normalize(obj[k]!))]);
        var copy = new JsonObject();
        foreach (var key in keys)
            copy[key] = obj[key] is null ? null : Normalize(obj[key]!);
        return copy;
    }

    public static string? Text(this JsonNode? node, string key) => node?[key] is JsonValue v ? v.ToString() : null;

    public static long? Long(this JsonNode? node, string key) =>
        node.Text(key) is { Length: > 0 } t ? long.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static decimal? Decimal(this JsonNode? node, string key) =>
        node.Text(key) is { Length: > 0 } t ? decimal.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>A number however it was stored (a parsed element, or a value set as int or long).</summary>
    public static long L(this JsonNode? node) =>
        node is null ? 0 : long.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    public static bool? Bool(this JsonNode? node, string key) => node.Text(key) is { Length: > 0 } t ? t == "true" : null;

    public static IEnumerable<JsonNode> Items(this JsonNode? node, string key) =>
        node?[key] is JsonArray array ? array.OfType<JsonNode>() : [];

    public static JsonObject Metadata(this JsonNode? node) =>
        node?["metadata"] is JsonObject m ? m.DeepClone().AsObject() : new JsonObject();
}
