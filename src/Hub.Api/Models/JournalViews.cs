using CrmAI.Hub.Contracts;
using CrmAI.Hub.Journal;

namespace CrmAI.Hub.Api.Models;

/// <summary>
/// A journal entry in lists: everything but headers and bodies.
/// </summary>
public sealed record JournalSummaryView(
    Guid Id,
    Guid ExchangeId,
    int Attempt,
    AttemptTrigger Trigger,
    string EndpointId,
    Direction Direction,
    string Operation,
    string Method,
    string Url,
    int? StatusCode,
    Outcome Outcome,
    string? Error,
    double DurationMs,
    string? CorrelationId,
    DateTimeOffset StartedAt,
    string Silo,
    string? TraceId,
    IReadOnlyList<string> BusinessKeys)
{
    public static JournalSummaryView From(JournalEntry e) => new(
        e.Id, e.ExchangeId, e.Attempt, e.Trigger, e.EndpointId, e.Direction, e.Operation, e.Method, e.Url, e.StatusCode,
        e.Outcome, e.Error, Math.Round(e.DurationMs, 3), e.CorrelationId, e.StartedAt, e.Silo, e.TraceId, e.BusinessKeys);
}

/// <summary>
/// A journal entry in full.
/// </summary>
public sealed record JournalEntryView(
    Guid Id,
    Guid ExchangeId,
    int Attempt,
    AttemptTrigger Trigger,
    string EndpointId,
    Direction Direction,
    string Operation,
    string Method,
    string Url,
    IReadOnlyDictionary<string, string> RequestHeaders,
    BodyView RequestBody,
    int? StatusCode,
    IReadOnlyDictionary<string, string>? ResponseHeaders,
    BodyView? ResponseBody,
    double DurationMs,
    Outcome Outcome,
    string? Error,
    string? CorrelationId,
    DateTimeOffset StartedAt,
    string Silo,
    string? TraceId,
    IReadOnlyList<RedirectHop> Redirects)
{
    public static JournalEntryView From(JournalEntry e) => new(
        e.Id, e.ExchangeId, e.Attempt, e.Trigger, e.EndpointId, e.Direction, e.Operation, e.Method, e.Url,
        e.RequestHeaders, BodyView.From(e.RequestBody), e.StatusCode, e.ResponseHeaders,
        e.ResponseBody is null ? null : BodyView.From(e.ResponseBody), Math.Round(e.DurationMs, 3), e.Outcome,
        e.Error, e.CorrelationId, e.StartedAt, e.Silo, e.TraceId, e.Redirects);
}

/// <summary>
/// A stored body: <c>text</c> for text, <c>base64</c> for binary content, with the full size and, when binary or
/// truncated, the SHA-256 of the whole body.
/// </summary>
public sealed record BodyView(
    string? ContentType, string? Text, string? Base64, long Size, bool Binary, bool Truncated, string? Sha256)
{
    public static BodyView From(JournalBody body) => new(
        body.ContentType,
        body.Text,
        body.Bytes is null ? null : Convert.ToBase64String(body.Bytes),
        body.Size,
        body.IsBinary,
        body.Truncated,
        body.Sha256);
}

public sealed record JournalPageView(IReadOnlyList<JournalSummaryView> Items, string? NextCursor);

/// <summary>
/// An exchange and all its attempts in order: <c>finishedAt</c> minus <c>submittedAt</c> is how long it took to
/// succeed or give up.
/// </summary>
public sealed record ExchangeDetailView(
    Guid ExchangeId,
    string EndpointId,
    ExchangeStatus Status,
    Outcome? Outcome,
    int Attempts,
    string? Operation,
    string? CorrelationId,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? NextAttemptAt,
    string? Error,
    IReadOnlyList<JournalSummaryView> Entries);

/// <summary>
/// A dead-lettered exchange in a list.
/// </summary>
public sealed record DeadLetterView(
    Guid ExchangeId,
    string Operation,
    string Method,
    string Path,
    int Attempts,
    DateTimeOffset SubmittedAt,
    Outcome? LastOutcome,
    int? LastStatusCode,
    string? LastError,
    Guid? LastEntryId,
    string? CorrelationId);
