using System.Reflection;
using NetArchTest.Rules;

namespace MembershipPortal.Web.Tests.Architecture;

/// <summary>
/// The features of the Web assembly (namespaces <c>MembershipPortal.Web.Features.&lt;X&gt;</c>, pages and components included)
/// and which may use which. A new dependency fails until it is added to <see cref="Allowed"/>; one that closes a cycle
/// fails even then, unless it is one of the <see cref="KnownCycles"/> still to be broken.
/// </summary>
public class FeatureDependencyTests
{
    private const string Root = "MembershipPortal.Web.Features.";
    private static readonly Assembly Web = typeof(Program).Assembly;

    /// <summary>Feature → the features it may use. Shared is for what several features need and uses none.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Accounts"] = ["Notifications", "Shared"],
        ["Admin"] = ["Accounts", "Analytics", "Billing", "Members", "Notifications", "Shared", "Themes"],
        ["Analytics"] = ["Shared"],
        ["Audit"] = ["Shared"],
        ["Billing"] = ["Accounts", "Boxes", "Notifications", "Operations", "Shared"],
        ["Boxes"] = ["Admin", "Catalog", "Content", "Notifications", "Shared", "Themes"],
        ["Catalog"] = ["Billing", "Public", "Shared"],
        ["Cli"] = ["Accounts", "Analytics", "Audit", "Catalog", "Content", "Operations", "Setup", "Shared"],
        ["Content"] = ["Billing", "Catalog", "Public", "Shared"],
        ["Dunning"] = ["Admin", "Notifications", "Shared"],
        ["Members"] = ["Accounts", "Billing", "Boxes", "Content", "Notifications", "Shared"],
        ["Notifications"] = ["Operations", "Shared", "Themes"],
        ["Operations"] = ["Admin", "Setup", "Shared", "Themes"],
        ["Public"] = ["Catalog", "Notifications", "Themes"],
        ["Setup"] = ["Admin", "Operations"],
        ["Shared"] = [],
        ["Themes"] = ["Operations"],
        ["Webhooks"] = ["Shared"],
    };

    /// <summary>
    /// The cycles the code had when this test was written, each as the set of features caught in it (a strongly connected
    /// component). To be broken, not grown: a cycle that takes in one more feature, or a new one, fails.
    /// </summary>
    private static readonly string[][] KnownCycles =
    [
        ["Accounts", "Admin", "Billing", "Boxes", "Catalog", "Content", "Members", "Notifications", "Operations", "Public", "Setup", "Themes"],
    ];

    /// <summary>
    /// The pairs of features that use each other directly, still to be broken. Inside the known cycle above a new edge
    /// changes no component, so a new pair is checked on its own (Billing and Boxes, Billing and Notifications were such
    /// pairs until they were broken).
    /// </summary>
    private static readonly string[][] KnownMutualPairs = [["Catalog", "Public"], ["Operations", "Setup"], ["Operations", "Themes"]];

    [Fact]
    public void Features_UseOnlyTheFeaturesTheyAreAllowedTo()
    {
        var unexpected = ActualDependencies()
            .Where(d => !Allowed.GetValueOrDefault(d.From, []).Contains(d.To))
            .Select(d => $"{d.From} -> {d.To} ({string.Join(", ", d.Types)})").ToList();

        Assert.True(unexpected.Count == 0,
            "Features use features they are not allowed to. Move what both need to Features/Shared (or the Domain), or add the "
            + "dependency to Allowed if it creates no cycle:\n" + string.Join("\n", unexpected));
    }

    [Fact]
    public void AllowedDependencies_StillInUse()
    {
        var actual = ActualDependencies().Select(d => (d.From, d.To)).ToHashSet();

        var stale = Allowed.SelectMany(a => a.Value.Select(to => (From: a.Key, To: to))).Where(e => !actual.Contains(e))
            .Select(e => $"{e.From} -> {e.To}").ToList();

        Assert.True(stale.Count == 0, "These allowed dependencies are gone; remove them from Allowed:\n" + string.Join("\n", stale));
    }

    [Fact]
    public void AllowedDependencies_CloseNoNewCycle()
    {
        var known = KnownCycles.Select(c => string.Join(", ", c.Order())).ToHashSet();

        var cycles = StronglyConnected(Allowed).Where(c => c.Count > 1).Select(c => string.Join(", ", c.Order())).ToList();

        Assert.True(cycles.All(known.Contains),
            "The allowed dependencies make a cycle between features that is not a known one:\n" + string.Join("\n", cycles.Where(c => !known.Contains(c))));
    }

    [Fact]
    public void AllowedDependencies_AddNoNewMutualPair()
    {
        var known = KnownMutualPairs.Select(p => string.Join(" <-> ", p.Order())).ToHashSet();

        var pairs = Allowed.SelectMany(a => a.Value.Where(to => string.CompareOrdinal(a.Key, to) < 0 && Allowed.GetValueOrDefault(to, []).Contains(a.Key))
            .Select(to => $"{a.Key} <-> {to}")).ToList();

        Assert.True(pairs.All(known.Contains), "Features that use each other: " + string.Join("; ", pairs.Where(p => !known.Contains(p))));
        Assert.DoesNotContain("Billing <-> Boxes", pairs);
        Assert.DoesNotContain("Billing <-> Notifications", pairs);
    }

    [Fact]
    public void FeatureFolders_AreAllListed()
    {
        var features = Web.GetTypes().Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith(Root, StringComparison.Ordinal))
            .Select(FeatureOf).Distinct().Order();

        Assert.Equal(features, Allowed.Keys.Order());
    }

    private sealed record Dependency(string From, string To, IReadOnlyList<string> Types);

    private static List<Dependency> ActualDependencies()
    {
        var types = Types.InAssembly(Web);
        var result = new List<Dependency>();
        foreach (var from in Allowed.Keys)
            foreach (var to in Allowed.Keys.Where(f => f != from))
            {
                // Namespace prefixes match by text, so "Features.Content" is kept apart from a "Features.ContentX".
                var users = types.That().ResideInNamespace(Root + from).And().HaveDependencyOn(Root + to).GetTypes()
                    .Where(t => t.Namespace is { } n && FeatureOf(n) == from).Select(t => t.Name).Distinct().Order().ToList();
                if (users.Count > 0)
                    result.Add(new Dependency(from, to, users));
            }
        return result;
    }

    private static string FeatureOf(string ns) => ns[Root.Length..].Split('.')[0];

    /// <summary>Tarjan's strongly connected components: each component of more than one feature is a cycle.</summary>
    private static List<List<string>> StronglyConnected(IReadOnlyDictionary<string, string[]> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v, []))
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] != index[v])
                return;
            var component = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                component.Add(x);
            }
            while (x != v);
            components.Add(component);
        }

        foreach (var v in graph.Keys)
            if (!index.ContainsKey(v))
                Visit(v);
        return components;
    }
}
