using System.Diagnostics;

namespace CrmAI.Hub.Silo.Storage;

/// <summary>
/// How one PostgreSQL program or helper ended: its command line, exit code and output.
/// </summary>
internal sealed record ToolResult(string Command, int ExitCode, string Output, string Error)
{
    public InvalidOperationException ToException(string operation, string hint)
    {
        var details = string.IsNullOrWhiteSpace(Error) ? Output.Trim() : Error.Trim();
        return new InvalidOperationException(
            $"{operation} failed with exit code {ExitCode} ({Command}): {details}\n{hint}");
    }
}

/// <summary>
/// Locations of the PostgreSQL programs, and the runuser program when they must run as the postgres user.
/// </summary>
internal sealed class PostgresTools(string binDirectory, string? runUserPath)
{
    /// <summary>The system user that PostgreSQL runs as when the hub runs as root, because PostgreSQL rejects root.</summary>
    public const string ServiceAccount = "postgres";

    public bool RunsAsServiceAccount => runUserPath is not null;

    public static async Task<PostgresTools> FindAsync(CancellationToken cancellationToken)
    {
        var binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL server programs (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin. "
            + "Install them with 'apt-get install postgresql' (Debian or Ubuntu), or set HUB_POSTGRES to "
            + "the Npgsql connection string of an existing server.");

        // Environment.UserName is the name of the effective user id on Unix.
        if (!string.Equals(Environment.UserName, "root", StringComparison.Ordinal))
        {
            return new PostgresTools(binDirectory, null);
        }

        var runUserPath = FindExecutable("runuser", ["/usr/sbin", "/sbin"]) ?? throw new InvalidOperationException(
            "Running as root, so PostgreSQL must run as the postgres user, but runuser (util-linux) was not "
            + "found. Install util-linux, run the hub as an ordinary user, or set HUB_POSTGRES.");
        var lookup = await RunProcessAsync(CreateStartInfo("id", "-u", ServiceAccount), cancellationToken);
        if (lookup.ExitCode != 0)
        {
            throw new InvalidOperationException(
                "Running as root, so PostgreSQL must run as the system user 'postgres', but that user was not "
                + "found. Create it with 'useradd --system --user-group postgres' (installing "
                + "the postgresql package also does), run the hub as an ordinary user, or set HUB_POSTGRES.");
        }

        return new PostgresTools(binDirectory, runUserPath);
    }

    public Task<ToolResult> RunAsync(
        string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var toolPath = Path.Combine(binDirectory, tool);
        var startInfo = runUserPath is null
            ? CreateStartInfo(toolPath)
            : CreateStartInfo(runUserPath, "-u", ServiceAccount, "--", toolPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return RunProcessAsync(startInfo, cancellationToken);
    }

    public static async Task GiveToServiceAccountAsync(
        IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var startInfo = CreateStartInfo("chown", "-R", ServiceAccount + ":");
        foreach (var path in paths)
        {
            startInfo.ArgumentList.Add(path);
        }

        var result = await RunProcessAsync(startInfo, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw result.ToException("chown", "Give these paths to the postgres user, or set HUB_POSTGRES.");
        }
    }

    private static string? FindBinDirectory()
    {
        var pathDirectories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var onPath = pathDirectories.FirstOrDefault(
            directory => File.Exists(Path.Combine(directory, "pg_ctl"))
                && File.Exists(Path.Combine(directory, "initdb")));
        if (onPath is not null)
        {
            return onPath;
        }

        // Debian and Ubuntu keep the server programs of each major version in /usr/lib/postgresql/<major>/bin.
        const string VersionsRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(VersionsRoot))
        {
            return null;
        }

        return Directory.GetDirectories(VersionsRoot)
            .Select(directory => (
                Major: ParseMajor(Path.GetFileName(directory)), Bin: Path.Combine(directory, "bin")))
            .Where(candidate => File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
            .OrderByDescending(candidate => candidate.Major)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static double ParseMajor(string name)
    {
        return double.TryParse(name, System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var major) ? major : -1;
    }

    private static string? FindExecutable(string name, string[] extraDirectories)
    {
        var pathDirectories = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return pathDirectories.Concat(extraDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    private static ProcessStartInfo CreateStartInfo(string fileName, params string[] arguments)
    {
        // "/" as working directory because the postgres user may not enter the current one (e.g. /root).
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        return startInfo;
    }

    private static async Task<ToolResult> RunProcessAsync(
        ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        var command = string.Join(' ', startInfo.ArgumentList.Prepend(startInfo.FileName));
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Starting {command} failed.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ToolResult(command, process.ExitCode, await output, await error);
    }
}
