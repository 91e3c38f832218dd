using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ReplicateMcp.Benchmarks;

// Usage: dotnet run -c Release --project tests/ReplicateMcp.Benchmarks [-- --runs N] [--quick] [--no-coldstart] [--aot] [--no-write] [--answer-sizes]
//        ... -- --process NAME=COMMAND [--process NAME=COMMAND ...]   only the process figures of these commands, e.g.
//        --process aot=$HOME/.dotnet/tools/replicate-mcp --process dll="dotnet artifacts/fd/ReplicateMcp.dll"
//        ... -- --following [--runs N (default 5)] [--process NAME=COMMAND]   only the following figures (issue 13), against the built
//        ReplicateMcp.dll beside the harness unless a command is given
if (args is [MemoryProbe.ChildArgument]) return await MemoryProbe.RunChildAsync();
if (args.Contains("--following")) return await MeasureFollowingAsync(args);
if (args.Contains("--process")) return await MeasureProcessesAsync(args);
if (args.Contains("--answer-sizes")) return (await Scenarios.AnswerSizesAsync()).All(f => f.Met != false) ? 0 : 1; // sizes only, seconds

var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(3);
var quick = args.Contains("--quick");
if (quick) runs = 1;
var repoRoot = FindRepoRoot();
var loadBefore = LoadAverage();
var total = Stopwatch.StartNew();
var figures = new List<Figure>();

async Task Step(string name, Func<Task<List<Figure>>> scenario)
{
    Console.Error.WriteLine($"» {name} …");
    var clock = Stopwatch.StartNew();
    var result = await scenario();
    figures.AddRange(result);
    Console.Error.WriteLine($"  {clock.Elapsed.TotalSeconds:0.0} s: " + string.Join("; ", result.Select(f => $"{f.Metric} = {f.Value}")));
}

await Step("status answer sizes", Scenarios.AnswerSizesAsync);
await Step("orchestration overhead", () => Scenarios.OverheadAsync(Math.Max(runs, 5)));
await Step("batch, creates paced", () => Scenarios.BatchAsync(runs, paced: true));
await Step("batch, pacing off", () => Scenarios.BatchAsync(runs, paced: false));
await Step("12-step DAG", () => Scenarios.DagAsync(runs));
await Step("long predictions", () => Scenarios.LongPredictionsAsync(Math.Max(2, runs - 1)));
await Step("memory", () => MemoryProbe.MeasureAsync(runs));
if (!quick && !args.Contains("--no-coldstart"))
{
    await Step("cold start (JIT)", () => ColdStart.MeasureAsync(repoRoot, ColdStart.Jit));
    await Step("cold start (ReadyToRun)", () => ColdStart.MeasureAsync(repoRoot, ColdStart.ReadyToRun));
    if (args.Contains("--aot")) await Step("cold start (Native AOT)", () => ColdStart.MeasureAsync(repoRoot, ColdStart.Aot));
}

var report = Report(figures, runs, loadBefore, LoadAverage(), total.Elapsed);
Console.WriteLine(report);
if (!args.Contains("--no-write") && !quick)
{
    var path = Path.Combine(repoRoot, "docs", "benchmarks.md");
    WriteBetweenMarkers(path, report);
    Console.Error.WriteLine($"written to {path}");
}
return figures.Any(f => f.Met == false) ? 1 : 0;

static async Task<int> MeasureProcessesAsync(string[] args)
{
    var figures = new List<Figure>();
    var loadBefore = LoadAverage();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < args.Length - 1; i++)
    {
        if (args[i] != "--process") continue;
        var (name, command) = args[i + 1].Split('=', 2) is [var n, var c] ? (n, c) : (args[i + 1], args[i + 1]);
        Console.Error.WriteLine($"» process: {name} ({command}) …");
        figures.AddRange(await ProcessFigures.MeasureAsync(name, ProcessFigures.ParseCommand(command)));
    }
    Console.WriteLine(Report(figures, 7, loadBefore, LoadAverage(), clock.Elapsed));
    return figures.Any(f => f.Met == false) ? 1 : 0;
}

static async Task<int> MeasureFollowingAsync(string[] args)
{
    var loadBefore = LoadAverage();
    var clock = Stopwatch.StartNew();
    var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(5);
    var given = args.SkipWhile(a => a != "--process").Skip(1).FirstOrDefault();
    var (name, command) = given?.Split('=', 2) is [var n, var c] ? (n, ProcessFigures.ParseCommand(c))
        : ("dll", ["dotnet", Path.Combine(AppContext.BaseDirectory, "ReplicateMcp.dll")]);
    Console.Error.WriteLine($"» following: {name} ({string.Join(' ', command)}) …");
    var figures = await Following.MeasureAsync(name, command, runs);
    Console.WriteLine(Report(figures, runs, loadBefore, LoadAverage(), clock.Elapsed));
    return figures.Any(f => f.Met == false) ? 1 : 0;
}

static string Report(List<Figure> figures, int runs, string loadBefore, string loadAfter, TimeSpan elapsed)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalSeconds:0} s; runs per figure: {runs} (overhead ≥ 5, cold start 7); value = median.");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} CPUs (nproc), {MemTotal()} memory, {OsName()} ({RuntimeInformation.OSArchitecture}), " +
        $"{RuntimeInformation.FrameworkDescription}, SDK {Sdk()}; load average (1/5/15 min) {loadBefore} before, {loadAfter} after.");
    text.AppendLine();
    text.AppendLine("| scenario | metric | value | target | met | runs / spread |");
    text.AppendLine("|---|---|---|---|---|---|");
    foreach (var f in figures)
        text.AppendLine(CultureInfo.InvariantCulture, $"| {f.Scenario} | {f.Metric} | **{f.Value}** | {f.Target} | {(f.Met is null ? "" : f.Met.Value ? "yes" : "**no**")} | {f.Runs} |");
    return text.ToString();
}

static void WriteBetweenMarkers(string path, string table)
{
    const string begin = "<!-- bench:begin (written by tests/ReplicateMcp.Benchmarks) -->", end = "<!-- bench:end -->";
    var existing = File.Exists(path) ? File.ReadAllText(path) : $"# Benchmarks\n\n{begin}\n{end}\n";
    var from = existing.IndexOf(begin, StringComparison.Ordinal);
    var to = existing.IndexOf(end, StringComparison.Ordinal);
    if (from < 0 || to < from) existing = existing.TrimEnd() + $"\n\n{begin}\n{end}\n";
    from = existing.IndexOf(begin, StringComparison.Ordinal);
    to = existing.IndexOf(end, StringComparison.Ordinal);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, existing[..(from + begin.Length)] + "\n" + table + existing[to..]);
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "ReplicateMcp.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string MemTotal()
{
    var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
    return line is null ? "n/a" : $"{double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024:0.0} GiB";
}

static string OsName()
{
    var pretty = File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) : null;
    return pretty is null ? RuntimeInformation.OSDescription : $"{pretty["PRETTY_NAME=".Length..].Trim('"')}, kernel {Environment.OSVersion.Version}";
}

static string Sdk()
{
    try
    {
        using var p = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var v = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return v;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "n/a";
    }
}
