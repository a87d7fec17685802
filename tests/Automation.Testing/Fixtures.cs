namespace Automation.Testing;

/// <summary>Finds the fixture files that the test projects copy next to their assemblies (tests/fixtures in the repo).</summary>
public static class Fixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(PathOf(parts));

    /// <summary>The repository root (the folder holding Automation.sln), for tests that check repo files such as template.yaml.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Automation.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("Automation.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
