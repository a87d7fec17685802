namespace Automation.Testing;

/// <summary>
/// Checks JSON against docs/schemas/notification.schema.json with Python's jsonschema (an implementation independent
/// of ours), installing it with pip only when Python cannot import it: for the core's notify tests and the messages
/// the functions send end to end.
/// </summary>
public static class NotificationSchema
{
    private const string Check = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        errors = []
        for path in sys.argv[2:]:
            for error in validator.iter_errors(json.load(open(path))):
                errors.append(path + ": " + "/".join(map(str, error.absolute_path)) + ": " + error.message[:300])
        print("\n".join(errors) if errors else "valid")
        sys.exit(1 if errors else 0)
        """;

    public static string SchemaPath => Path.Combine(Fixtures.RepoRoot, "docs", "schemas", "notification.schema.json");

    /// <summary>The errors of each document (empty when all are valid).</summary>
    public static (bool Valid, string Output) Validate(params string[] documents)
    {
        if (!Python.HasModule("jsonschema"))
        {
            var (exit, output) = Python.Run(["-m", "pip", "install", "--quiet", "jsonschema"]);
            if (exit != 0)
            {
                throw new InvalidOperationException("pip could not install jsonschema: " + output);
            }
        }
        var directory = Directory.CreateTempSubdirectory("notification-schema-");
        try
        {
            var files = documents.Select((d, i) =>
            {
                var file = Path.Combine(directory.FullName, $"doc{i}.json");
                File.WriteAllText(file, d);
                return file;
            }).ToList();
            var (code, text) = Python.Run(["-c", Check, SchemaPath, .. files]);
            return (code == 0, text);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
