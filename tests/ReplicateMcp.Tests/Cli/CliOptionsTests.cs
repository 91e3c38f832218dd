using ReplicateMcp.Cli;

namespace ReplicateMcp.Tests.Cli;

public sealed class CliOptionsTests
{
    [Fact]
    public void Parse_RunRetry_ReadsTheJobIdAndNeedsOne()
    {
        var options = CliOptions.Parse(["run", "--retry", "batch-abcdefghijkm", "--simulate"], out var error);
        var missing = CliOptions.Parse(["run", "--retry", "--simulate"], out var missingError);

        Assert.Null(error);
        Assert.Equal(("batch-abcdefghijkm", (string?)null, true), (options!.RetryJobId, options.File, options.Simulate));
        Assert.Null(missing);
        Assert.Contains("give the job id to retry", missingError);
    }

    [Fact]
    public void Parse_RunWithFileAndFlags_ReadsThem()
    {
        var options = CliOptions.Parse(["run", "pipeline.json", "--simulate", "--json"], out var error);

        Assert.Null(error);
        Assert.NotNull(options);
        Assert.Equal(CliCommand.Run, options.Command);
        Assert.Equal("pipeline.json", options.File);
        Assert.True(options.Simulate);
        Assert.True(options.Json);
    }

    [Fact]
    public void Parse_NoArguments_Serves()
    {
        var options = CliOptions.Parse([], out var error);

        Assert.Null(error);
        Assert.Equal(CliCommand.Serve, options?.Command);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "--simulate")]
    public void Parse_RunWithoutFile_IsAnError(params string[] args)
    {
        Assert.Null(CliOptions.Parse(args, out var error));
        Assert.Contains("give the file", error);
    }

    [Fact]
    public void Parse_UnknownFlag_IsAnErrorNamingIt()
    {
        Assert.Null(CliOptions.Parse(["run", "x.json", "--fast"], out var error));
        Assert.Contains("'--fast'", error);
    }

    [Fact]
    public void Parse_JsonWithoutRun_IsAnError()
    {
        Assert.Null(CliOptions.Parse(["--json"], out var error));
        Assert.Contains("--json goes with run", error);
    }

    [Fact]
    public void Parse_ConfigurationOverride_IsPassedThrough()
    {
        var options = CliOptions.Parse(["run", "x.json", "--Replicate:BaseUrl=http://localhost:1"], out _);

        Assert.Equal(["--Replicate:BaseUrl=http://localhost:1"], options?.ConfigurationArgs);
    }

    [Fact]
    public void Parse_InputDirs_TakesEveryFolderThatFollows()
    {
        var options = CliOptions.Parse(["--input-dirs", "/photos", "/more photos", "--simulate"], out var error);

        Assert.Null(error);
        Assert.True(options!.Simulate);
        Assert.Equal([$"--input-dirs=/photos{Path.PathSeparator}/more photos"], options.ConfigurationArgs);
    }

    [Theory]
    [InlineData]
    [InlineData("${user_config.input_dirs}")]
    public void Parse_InputDirsWithNoFolderOrAnUnfilledPlaceholder_MeansNone(params string[] folders)
    {
        var options = CliOptions.Parse(["--input-dirs", .. folders], out var error);

        Assert.Null(error);
        Assert.Equal(CliCommand.Serve, options!.Command);
        Assert.Equal(["--input-dirs="], options.ConfigurationArgs);
    }

    [Fact]
    public void Parse_BundleManifest_TakesTheTemplate()
    {
        var options = CliOptions.Parse(["--bundle-manifest", "manifest.json"], out var error);

        Assert.Null(error);
        Assert.Equal(CliCommand.BundleManifest, options!.Command);
        Assert.Equal("manifest.json", options.File);
    }
}
