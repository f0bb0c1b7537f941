using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace CrmAI.Hub.Tests.Infrastructure;

/// <summary>
/// A hub running as a separate OS process (<c>dotnet Hub.Silo.dll</c>) on free ports of 127.0.0.1, for tests that
/// kill it or stop it with a signal. Its console output is kept in memory for failure messages.
/// </summary>
/// <remarks>
/// Hub.Silo.dll is taken from the test output folder, where the project reference to Hub.Silo copies it.
/// </remarks>
public sealed class HubProcess : IAsyncDisposable
{
    public const string ApiKey = "test-process-key-51c9";

    private const int MaxKeptOutputLines = 400;
    private const int SignalTerminate = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HubProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>A client that sends the admin key with every request.</summary>
    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote to stdout and stderr.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

    /// <summary>Path of Hub.Silo.dll in the test output folder.</summary>
    public static string HubDllPath => Path.Combine(AppContext.BaseDirectory, "Hub.Silo.dll");

    /// <summary>
    /// Starts <c>dotnet Hub.Silo.dll</c> on the database with the test API key, the data folder, free silo, gateway
    /// and HTTP ports, and extra environment variables (for example <c>Retries__ReminderPeriod</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">Hub.Silo.dll is not in the test output folder.</exception>
    public static HubProcess Start(
        string connectionString, string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        if (!File.Exists(HubDllPath))
        {
            throw new FileNotFoundException(
                "Hub.Silo.dll is missing from the test output folder; the test project must reference Hub.Silo.",
                HubDllPath);
        }

        var httpPort = LoopbackPorts.FindClosed();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HubDllPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");
        SetEnvironment(start, connectionString, dataDirectory, environment);

        var process = new Process { StartInfo = start };
        var hub = new HubProcess(process, new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}"));
        process.OutputDataReceived += (_, line) => hub.KeepOutputLine(line.Data);
        process.ErrorDataReceived += (_, line) => hub.KeepOutputLine(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return hub;
    }

    /// <summary>Polls <c>GET /health/ready</c> until it returns 200.</summary>
    /// <exception cref="InvalidOperationException">The process exited before it was ready.</exception>
    /// <exception cref="TimeoutException">The hub was not ready within <paramref name="timeout"/>.</exception>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Hub process {ProcessId} exited with code {_process.ExitCode} before it was ready. Output:\n{OutputTail}");
            }

            if (await IsReadyAsync(probe, cancellationToken))
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Hub process {ProcessId} was not ready within {timeout}. Output:\n{OutputTail}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Kills the process and every descendant with SIGKILL and waits until they are gone.
    /// </summary>
    /// <exception cref="InvalidOperationException">A descendant was still alive after the kill.</exception>
    public async Task KillAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        var descendants = FindDescendants(_process.Id);
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);

        // Killed descendants stay zombies until init reaps them, which takes a moment after the signal.
        var clock = Stopwatch.StartNew();
        while (descendants.Any(IsAlive) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        var survivors = descendants.Where(IsAlive).ToList();
        if (survivors.Count > 0)
        {
            throw new InvalidOperationException(
                $"Processes {string.Join(", ", survivors)} started by hub process {ProcessId} survived SIGKILL.");
        }
    }

    /// <summary>Sends SIGTERM, so the hub stops gracefully, and returns its exit code.</summary>
    /// <exception cref="TimeoutException">The process did not exit within <paramref name="timeout"/>; it keeps
    /// running, and <see cref="DisposeAsync"/> kills it.</exception>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            if (Kill(_process.Id, SignalTerminate) != 0)
            {
                throw new InvalidOperationException(
                    $"kill({ProcessId}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
            }

            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Hub process {ProcessId} did not exit within {timeout} of SIGTERM.");
            }
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process tree if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static void SetEnvironment(
        ProcessStartInfo start, string connectionString, string dataDirectory, IReadOnlyDictionary<string, string>? extra)
    {
        // Variables of the test run that the hub would read as its own settings.
        foreach (var name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["HUB_POSTGRES"] = connectionString;
        start.Environment["HUB_API_KEY"] = ApiKey;
        start.Environment["HUB_KEY_RING_KEY"] = HubInstance.KeyRingKey;
        start.Environment["HUB_DATA_DIR"] = dataDirectory;

        // The external systems of the tests listen on 127.0.0.1.
        start.Environment["Hub__AllowPrivateNetworks"] = "true";
        start.Environment["HUB_SILO_PORT"] = LoopbackPorts.FindClosed().ToString(CultureInfo.InvariantCulture);
        start.Environment["HUB_GATEWAY_PORT"] = LoopbackPorts.FindClosed().ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient probe, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // Every process below the root, read from the parent ids in /proc/<pid>/stat (Linux only).
    private static List<int> FindDescendants(int rootId)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var id) && ReadParentId(id) is { } parent)
            {
                parents[id] = parent;
            }
        }

        var found = new List<int>();
        var frontier = new Queue<int>([rootId]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var (child, _) in parents.Where(pair => pair.Value == current))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }

        return found;
    }

    private static int? ReadParentId(int processId)
    {
        try
        {
            // The command name in brackets may contain spaces, so fields are counted after its closing bracket.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    // A zombie is dead but not yet reaped by its parent, so it counts as gone.
    private static bool IsAlive(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void KeepOutputLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > MaxKeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code enabled in the test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int processId, int signal);
}
