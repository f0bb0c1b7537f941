using System.Security.Cryptography;
using CrmAI.Hub.Contracts;
using CrmAI.Hub.Endpoints;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace CrmAI.Hub.Alerts;

/// <summary>
/// Applies the alert rules to one endpoint's health and runs its incidents: one notice when an incident opens,
/// a follow-up every reminder interval while it is open and unacknowledged, one notice when it resolves. An
/// incident resolves only after a quiet recovery hold, so a flapping link stays one incident.
/// </summary>
public sealed partial class AlertGrain(
    [PersistentState("hub-alert", HubStorage.Name)] IPersistentState<AlertState> state,
    INotifier notifier,
    IncidentStore incidents,
    IOptions<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertGrain> logger) : Grain, IAlertGrain, IRemindable
{
    private const string CheckReminderName = "alert-check";

    private readonly AlertOptions _options = options.Value;
    private bool _checkRegistered;

    private string EndpointId => this.GetPrimaryKeyString();

    public async Task ReportHealthAsync(EndpointHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        await EvaluateAsync(health);
    }

    public async Task RecheckAsync()
    {
        var health = await GrainFactory.GetGrain<IEndpointGrain>(EndpointId).GetHealthAsync();
        if (health is null)
        {
            await CloseForDeletedEndpointAsync();
            return;
        }

        await EvaluateAsync(health);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != CheckReminderName)
        {
            return;
        }

        try
        {
            await RecheckAsync();
        }
        catch (Exception error)
        {
            LogCheckFailed(logger, EndpointId, error);
        }
    }

    public async Task<bool> AcknowledgeAsync(Guid incidentId, string actor)
    {
        if (state.State.Open is not { } open || open.IncidentId != incidentId)
        {
            return false;
        }

        if (open.AcknowledgedAt is null)
        {
            state.State.Open = open with { AcknowledgedAt = time.GetUtcNow(), AcknowledgedBy = actor };
            await SaveAsync();
        }

        return true;
    }

    public async Task<DateTimeOffset?> MuteAsync(TimeSpan duration, string actor)
    {
        state.State.MutedUntil = duration > TimeSpan.Zero ? time.GetUtcNow() + duration : null;
        state.State.MutedBy = duration > TimeSpan.Zero ? actor : null;
        await state.WriteStateAsync();
        return state.State.MutedUntil;
    }

    public Task<Incident?> GetOpenIncidentAsync() => Task.FromResult(state.State.Open);

    private async Task EvaluateAsync(EndpointHealth health)
    {
        var rules = await RulesAsync();
        var broken = RuleEvaluator.Evaluate(health, rules);
        var now = time.GetUtcNow();
        var open = state.State.Open;

        if (broken.Count > 0 && open is null)
        {
            await OpenAsync(health, broken, now);
        }
        else if (broken.Count > 0 && open is not null)
        {
            await UpdateAsync(open, health, broken, rules, now);
        }
        else if (open is not null && QuietLongEnough(health, rules, now))
        {
            await ResolveAsync(open, health, now);
        }

        await UpdateCheckReminderAsync(rules, health);
    }

    private async Task OpenAsync(EndpointHealth health, IReadOnlyList<BrokenRule> broken, DateTimeOffset now)
    {
        var incident = new Incident
        {
            IncidentId = Guid.CreateVersion7(now),
            EndpointId = EndpointId,
            Severity = broken.Max(b => b.Severity),
            Rules = [.. broken.Select(b => b.Rule)],
            Summary = string.Join("; ", broken.Select(b => b.Reason)),
            OpenedAt = now,
            // The failures that broke the rules belong to the incident too.
            FailedAtOpen = Math.Max(0, health.FailedExchanges - health.ConsecutiveFailures),
            HealedAtOpen = health.HealedExchanges,
        };
        state.State.Open = incident;
        state.State.NoticeSequence = 0;
        LogIncidentOpened(logger, EndpointId, incident.IncidentId, incident.Summary);
        Telemetry.HubMetrics.RecordAlertRaised(EndpointId, incident.Severity.ToString());
        await NotifyAsync(incident, AlertKind.Opened, health, AlertNotices.Opened(incident, health, broken, JournalUrl(incident)));
        await SaveAsync();
    }

    private async Task UpdateAsync(
        Incident open, EndpointHealth health, IReadOnlyList<BrokenRule> broken, AlertRules rules, DateTimeOffset now)
    {
        var updated = open with
        {
            Severity = broken.Max(b => b.Severity) > open.Severity ? broken.Max(b => b.Severity) : open.Severity,
            Rules = [.. open.Rules.Union(broken.Select(b => b.Rule))],
            Summary = string.Join("; ", broken.Select(b => b.Reason)),
        };

        var due = (open.LastNotifiedAt ?? open.OpenedAt) + rules.ReminderInterval!.Value;
        if (updated.AcknowledgedAt is null && now >= due)
        {
            var notice = AlertNotices.StillOpen(updated, health, broken, health.FailedExchanges - state.State.FailedAtLastNotice, JournalUrl(updated));
            state.State.Open = updated;
            await NotifyAsync(updated, AlertKind.StillOpen, health, notice);
            await SaveAsync();
            return;
        }

        if (updated != open)
        {
            state.State.Open = updated;
            await SaveAsync();
        }
    }

    private async Task ResolveAsync(Incident open, EndpointHealth health, DateTimeOffset now)
    {
        var resolved = open with { ResolvedAt = now };
        state.State.Open = resolved;
        LogIncidentResolved(logger, EndpointId, open.IncidentId, now - open.OpenedAt);
        await NotifyAsync(resolved, AlertKind.Resolved, health, AlertNotices.Resolved(resolved, health, JournalUrl(resolved)));
        await incidents.SaveAsync(state.State.Open!, CancellationToken.None);
        state.State.Open = null;
        await state.WriteStateAsync();
    }

    private async Task CloseForDeletedEndpointAsync()
    {
        if (state.State.Open is { } open)
        {
            await incidents.SaveAsync(open with { ResolvedAt = time.GetUtcNow(), Summary = open.Summary + " (endpoint deleted)" },
                CancellationToken.None);
        }

        await state.ClearStateAsync();
        await RemoveCheckReminderAsync();
    }

    // The last failure must be at least the recovery hold ago: a link that keeps flipping stays one incident.
    private static bool QuietLongEnough(EndpointHealth health, AlertRules rules, DateTimeOffset now) =>
        health.LastFailure is not { } failure || now - failure.At >= rules.RecoveryHold!.Value;

    private async Task NotifyAsync(Incident incident, AlertKind kind, EndpointHealth health, AlertNotice notice)
    {
        state.State.NoticeSequence++;
        state.State.FailedAtLastNotice = health.FailedExchanges;
        if (state.State.MutedUntil is { } mutedUntil && mutedUntil > time.GetUtcNow())
        {
            return;
        }

        await notifier.NotifyAsync(notice with { NoticeId = NoticeId(incident.IncidentId, kind, state.State.NoticeSequence) },
            CancellationToken.None);
        if (state.State.Open is { } open && kind != AlertKind.Resolved)
        {
            state.State.Open = open with { LastNotifiedAt = notice.At };
        }
    }

    private async Task SaveAsync()
    {
        await state.WriteStateAsync();
        if (state.State.Open is { } open)
        {
            await incidents.SaveAsync(open, CancellationToken.None);
        }
    }

    private async Task<AlertRules> RulesAsync()
    {
        var stored = await GrainFactory.GetGrain<IAlertRulesGrain>(IAlertRulesGrain.Key).GetAsync();
        var set = stored ?? new AlertRuleSet(_options.Rules, new Dictionary<string, AlertRules>());
        return set.For(EndpointId);
    }

    // A notice id derived from the incident, kind and sequence: storing a notice again after a crash is a no-op.
    private static Guid NoticeId(Guid incidentId, AlertKind kind, int sequence)
    {
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{incidentId:N}/{kind}/{sequence}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private string? JournalUrl(Incident incident) =>
        _options.PublicUrl is { Length: > 0 } baseUrl
            ? $"{baseUrl.TrimEnd('/')}/api/journal?endpoint={Uri.EscapeDataString(EndpointId)}&from={Uri.EscapeDataString(incident.OpenedAt.AddMinutes(-5).ToString("O"))}"
            : null;
}
