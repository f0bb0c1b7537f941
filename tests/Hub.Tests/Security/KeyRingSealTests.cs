using System.Security.Cryptography;
using CrmAI.Hub.Silo.Hosting;
using CrmAI.Hub.Silo.Security;
using CrmAI.Hub.Tests.Infrastructure;
using CrmAI.Hub.Tests.Storage;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit;

namespace CrmAI.Hub.Tests.Security;

/// <summary>
/// The key ring key (<c>HUB_KEY_RING_KEY</c>): plain key rings are encrypted at start, credentials survive it, and a
/// hub with a wrong or missing key refuses to start instead of losing the stored credentials.
/// </summary>
public sealed class KeyRingSealTests(PostgresServerFixture server)
{
    private const string Token = "key-ring-bearer-token-41c9";

    private static readonly string OtherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Start_PlainKeyRing_EncryptedAndCredentialsKept()
    {
        await using var system = await ExternalSystem.StartAsync();
        var database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await using (var plainHub = await HubInstance.StartAsync(database, settings: [new("HUB_KEY_RING_KEY", "")]))
        {
            await plainHub.PutEndpointAsync("ring", new { baseUrl = system.BaseUrl, auth = new { type = "bearer", token = Token } });
        }

        var plainBefore = await CountRowsAsync(database, "xml IS NOT NULL");
        await using var hub = await HubInstance.StartAsync(database);
        await hub.ExchangeAsync("ring", new { operation = "probe", method = "GET", path = "/after-seal" });
        var plainAfter = await CountRowsAsync(database, "xml IS NOT NULL");
        var encryptedAfter = await CountRowsAsync(database, "sealed IS NOT NULL");
        var sent = Assert.Single(system.Requests, r => r.PathAndQuery == "/after-seal");

        Assert.True(plainBefore >= 1, "the hub without a key ring key stored no plain key");
        Assert.Equal(0, plainAfter);
        Assert.Equal(plainBefore, encryptedAfter);
        Assert.Equal($"Bearer {Token}", sent.Headers["Authorization"]);
    }

    [Fact]
    public async Task Start_WrongKey_FailsNamingSetting()
    {
        var database = await StartEncryptedDatabaseAsync();

        var error = await Assert.ThrowsAsync<HubStartException>(
            () => HubInstance.StartAsync(database, settings: [new("HUB_KEY_RING_KEY", OtherKey)]));

        Assert.Contains("HUB_KEY_RING_KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not decrypt", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(HubInstance.KeyRingKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EncryptedWithoutKey_FailsNamingSetting()
    {
        var database = await StartEncryptedDatabaseAsync();

        var error = await Assert.ThrowsAsync<HubStartException>(
            () => HubInstance.StartAsync(database, settings: [new("HUB_KEY_RING_KEY", "")]));

        Assert.Contains("HUB_KEY_RING_KEY is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TwoKeysTogether_OneFails()
    {
        var database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);

        var starts = await Task.WhenAll(
            TryStartAsync(database, HubInstance.KeyRingKey),
            TryStartAsync(database, OtherKey));

        var started = Assert.Single(starts, start => start.Hub is not null);
        var failed = Assert.Single(starts, start => start.Error is not null);
        await started.Hub!.DisposeAsync();
        Assert.Contains("does not decrypt with HUB_KEY_RING_KEY", failed.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFile_MissingNotCreated_Throws()
    {
        InTemporaryFolder(folder =>
        {
            var error = Assert.Throws<InvalidOperationException>(() => KeyRingKeyFile.ReadOrCreate(folder, mayCreate: false, out _));

            Assert.Contains(Path.Combine(folder, KeyRingKeyFile.FileName), error.Message, StringComparison.Ordinal);
            Assert.Contains("Restore it from a backup", error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, KeyRingKeyFile.FileName)));
        });
    }

    [Fact]
    public void KeyFile_FolderInItsPlace_ClearError()
    {
        InTemporaryFolder(folder =>
        {
            Directory.CreateDirectory(Path.Combine(folder, KeyRingKeyFile.FileName));

            var error = Assert.Throws<InvalidOperationException>(() => KeyRingKeyFile.ReadOrCreate(folder, mayCreate: true, out _));

            Assert.StartsWith($"Cannot read or write {Path.Combine(folder, KeyRingKeyFile.FileName)}", error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void KeyFile_Created_OwnerOnlyAndReadBack()
    {
        InTemporaryFolder(folder =>
        {
            var created = KeyRingKeyFile.ReadOrCreate(folder, mayCreate: true, out var path);
            var read = KeyRingKeyFile.ReadOrCreate(folder, mayCreate: false, out _);

            Assert.Equal(created, read);
            Assert.Equal(KeyRingSeal.KeyBytes, created.Length);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        });
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("c2hvcnQ=")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj")]
    public void Settings_InvalidKey_RejectedWithoutValue(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("HUB_KEY_RING_KEY", value)]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => HubSettings.From(configuration));

        Assert.Contains("HUB_KEY_RING_KEY is not the base64 of 32 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_RoundTrip_ReturnsText()
    {
        var seal = new KeyRingSeal(RandomNumberGenerator.GetBytes(KeyRingSeal.KeyBytes));

        var box = seal.Seal("<key id=\"1\"/>");

        Assert.Equal("<key id=\"1\"/>", seal.Open(box));
    }

    [Fact]
    public void Open_ChangedByteOrOtherKey_Throws()
    {
        var seal = new KeyRingSeal(RandomNumberGenerator.GetBytes(KeyRingSeal.KeyBytes));
        var other = new KeyRingSeal(RandomNumberGenerator.GetBytes(KeyRingSeal.KeyBytes));
        var box = seal.Seal("<key id=\"2\"/>");
        var changed = box.ToArray();
        changed[^1] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => seal.Open(changed));
        Assert.ThrowsAny<CryptographicException>(() => other.Open(box));
    }

    // Runs the test body on a new folder and deletes the folder afterwards.
    private static void InTemporaryFolder(Action<string> body)
    {
        var folder = Directory.CreateTempSubdirectory("hub-key-file-").FullName;
        try
        {
            body(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(HubInstance? Hub, HubStartException? Error)> TryStartAsync(string database, string key)
    {
        try
        {
            return (await HubInstance.StartAsync(database, settings: [new("HUB_KEY_RING_KEY", key)]), null);
        }
        catch (HubStartException error)
        {
            return (null, error);
        }
    }

    // Runs a hub with the test run's key ring key long enough to store encrypted credentials, then stops it.
    private async Task<string> StartEncryptedDatabaseAsync()
    {
        var database = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await using var hub = await HubInstance.StartAsync(database);
        await hub.PutEndpointAsync("sealed", new { baseUrl = "http://127.0.0.1:9/", auth = new { type = "bearer", token = Token } });
        Assert.True(await CountRowsAsync(database, "sealed IS NOT NULL") >= 1, "the hub stored no encrypted key");
        return database;
    }

    private static async Task<long> CountRowsAsync(string database, string condition)
    {
        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM hub_data_protection_keys WHERE {condition}");
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
