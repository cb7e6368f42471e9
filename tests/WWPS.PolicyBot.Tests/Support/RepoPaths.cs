namespace WWPS.PolicyBot.Tests.Support;

/// <summary>Where the repository and the shared evaluation material are, found from the test binary's folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared folder that sits beside the repository (design, policy text, evaluation sets).</summary>
    public static string Shared
    {
        get
        {
            var shared = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            Assert.True(Directory.Exists(shared), $"The shared folder is expected beside the repository at {shared}.");
            return shared;
        }
    }

    public static string SharedFile(params string[] parts)
    {
        var path = Path.Combine([Shared, .. parts]);
        Assert.True(File.Exists(path), $"Missing shared file {path}.");
        return path;
    }

    public static string TestData(string name) => Path.Combine(Root, "tests", "WWPS.PolicyBot.Tests", "Data", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WWPS.PolicyBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WWPS.PolicyBot.sln not found above " + AppContext.BaseDirectory);
    }
}
