namespace CrmAI.Hub.Silo.Hosting;

/// <summary>
/// A secret generated on first start and kept in the data folder, in a file only its owner can read and write.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Returns the file's trimmed text, first writing the output of <paramref name="generate"/> when the file is missing or empty.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or written; the message names it and the fix.
    /// </exception>
    public static string ReadOrCreate(string dataDirectory, string fileName, Func<string> generate, out string path)
    {
        path = Path.Combine(dataDirectory, fileName);
        try
        {
            return ReadOrCreate(dataDirectory, path, generate);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Cannot read or write {path}: {error.Message} Give the hub's user read and write access to the file and its folder.", error);
        }
    }

    private static string ReadOrCreate(string dataDirectory, string path, Func<string> generate)
    {
        if (Directory.Exists(path))
        {
            throw new IOException("The path is a folder, not a file.");
        }

        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(dataDirectory);
        var secret = generate();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var writer = new StreamWriter(path, options))
        {
            writer.WriteLine(secret);
        }

        // An existing file keeps its mode when it is truncated, so the mode is set again.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }

        return secret;
    }
}
