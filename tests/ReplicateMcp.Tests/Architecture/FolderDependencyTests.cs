using System.Text.RegularExpressions;

namespace ReplicateMcp.Tests.Architecture;

/// <summary>
/// No dependency cycle between the folders of src/ReplicateMcp, at any depth (README, Development): a folder is the
/// files directly in it (Jobs and Jobs/Storage are two rooms), and it depends on another when one of its files names a
/// type declared there. Read from the source, so a new arrow shows at once.
/// </summary>
public sealed partial class FolderDependencyTests
{
    [Fact]
    public void SourceFolders_HaveNoDependencyCycle()
    {
        var graph = FolderGraph.Read(SourceRoot());

        var cycle = FolderGraph.FindCycle(graph);

        Assert.True(cycle is null, $"Folders depend on each other in a circle: {string.Join(" → ", cycle ?? [])}. Arrows: {FolderGraph.Describe(graph)}");
    }

    [Fact]
    public void SourceFolders_ArrowsPointDownTheLayers()
    {
        var graph = FolderGraph.Read(SourceRoot());

        // Spot checks of the agreed direction; the cycle test above covers the rest.
        Assert.DoesNotContain(graph.GetValueOrDefault("Predictions", []), f => f.StartsWith("Jobs", StringComparison.Ordinal));
        Assert.DoesNotContain("Jobs/Execution", graph["Jobs/Storage"]); // storage knows nothing of running jobs ...
        Assert.DoesNotContain("Jobs/Ownership", graph["Jobs/Storage"]); // ... nor of who owns them
        Assert.Contains("Jobs/Execution", graph["Jobs/Ownership"]); // adopting a job starts it
        Assert.DoesNotContain("Cli", graph.GetValueOrDefault("Mcp", []));
        Assert.DoesNotContain("Simulation", graph.GetValueOrDefault("Replicate", []));
        Assert.Contains("Predictions", graph["Jobs"]);
    }

    [Fact]
    public void FindCycle_ThreeFoldersInACircle_NamesExactlyThoseFolders()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };

        var cycle = FolderGraph.FindCycle(graph);

        Assert.NotNull(cycle);
        Assert.Equal(["A", "B", "C", "A"], cycle);
    }

    [Fact]
    public void FindCycle_Layers_None()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal) { ["A"] = ["B", "C"], ["B"] = ["C"] };

        Assert.Null(FolderGraph.FindCycle(graph));
    }

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "ReplicateMcp");
            if (File.Exists(Path.Combine(candidate, "ReplicateMcp.csproj"))) return candidate;
        }
        throw new InvalidOperationException($"src/ReplicateMcp not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>The folder graph read from C# source text.</summary>
    private static partial class FolderGraph
    {
        public static Dictionary<string, HashSet<string>> Read(string root)
        {
            var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .Select(path => (Folder: FolderOf(root, path), Text: LineComment().Replace(File.ReadAllText(path), "")))
                .Where(f => f.Folder is not null)
                .ToList();
            // Type names declared in exactly one folder; a name declared in two is ambiguous and not counted.
            var owner = files
                .SelectMany(f => Declaration().Matches(f.Text).Select(m => (Name: m.Groups[1].Value, f.Folder)))
                .GroupBy(d => d.Name, StringComparer.Ordinal)
                .Where(g => g.Select(d => d.Folder).Distinct(StringComparer.Ordinal).Count() == 1)
                .ToDictionary(g => g.Key, g => g.First().Folder!, StringComparer.Ordinal);

            var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var (folder, text) in files)
            {
                var arrows = graph.TryGetValue(folder!, out var set) ? set : graph[folder!] = new HashSet<string>(StringComparer.Ordinal);
                foreach (Match use in TypeUse().Matches(text))
                {
                    var name = use.Groups[1].Success ? use.Groups[1].Value : use.Groups[2].Value;
                    if (owner.TryGetValue(name, out var target) && target != folder) arrows.Add(target);
                }
            }
            return graph;
        }

        /// <summary>The first cycle found, as the folders on it with the first repeated at the end; null when none.</summary>
        public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, HashSet<string>> graph)
        {
            var done = new HashSet<string>(StringComparer.Ordinal);
            var path = new List<string>();
            foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
                if (Visit(start) is { } cycle) return cycle;
            return null;

            IReadOnlyList<string>? Visit(string node)
            {
                var at = path.IndexOf(node);
                if (at >= 0) return [.. path.Skip(at), node];
                if (!done.Add(node)) return null;
                path.Add(node);
                foreach (var next in graph.GetValueOrDefault(node, []).Order(StringComparer.Ordinal))
                    if (Visit(next) is { } cycle) return cycle;
                path.RemoveAt(path.Count - 1);
                return null;
            }
        }

        public static string Describe(IReadOnlyDictionary<string, HashSet<string>> graph) =>
            string.Join("; ", graph.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key} → {string.Join(", ", p.Value.Order(StringComparer.Ordinal))}"));

        /// <summary>The file's folder below src/ReplicateMcp ("Jobs/Storage"); null for files at the root and in bin/ or obj/.</summary>
        private static string? FolderOf(string root, string path)
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var slash = relative.LastIndexOf('/');
            return slash < 0 || relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)
                ? null : relative[..slash];
        }

        [GeneratedRegex(@"//.*")]
        private static partial Regex LineComment();

        [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+([A-Z]\w*)")]
        private static partial Regex Declaration();

        // A capitalised name that is not a method call (a name followed by "(" counts only after "new").
        [GeneratedRegex(@"(?<![\w])([A-Z]\w*)\b(?!\s*\()|(?<=\bnew\s+)([A-Z]\w*)(?=\s*\()")]
        private static partial Regex TypeUse();
    }
}
