using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Printing;
using Podway.Api.Resources;
using Podway.ApiServer.Http;
using Podway.ApiServer.Routing;
using Podway.Storage;
using Podway.Api.Query;

namespace Podway.ApiServer.Handlers;

/// <summary>
/// Lists (JSON or Table, limit/continue) and watches (JSON lines or one-row Tables, bookmarks, timeouts,
/// 410 Expired for versions older than the history) as kube-apiserver serves them from its watch cache.
/// </summary>
public sealed class ListWatchHandler(IObjectStore store, TimeProvider clock)
{
    static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(15);

    public async Task ListAsync(HttpContext ctx, RequestInfo info)
    {
        var q = ctx.Request.Query;
        var filter = ListFilter.FromQuery(ctx.Request, info.Type);
        var limit = int.TryParse(q["limit"], out var l) && l > 0 ? l : 0;
        ObjectKey? after = q["continue"].ToString() is { Length: > 0 } token ? ContinueToken.Decode(token) : null;
        var result = store.List(info.Type.StorageKey, ScopeNamespace(info), after, limit, filter.Matches);
        var continueToken = result.Continue is { } next ? ContinueToken.Encode(result.Revision, next) : null;

        if (Negotiation.WantsTable(ctx.Request))
        {
            var table = TableBuilder.Build(info.Type, result.Items.Select(i => i.Parse()), clock.GetUtcNow(), includeHeaders: true,
                includeFullObject: q["includeObject"] == "Object", result.Revision.ToString(), continueToken);
            await Responses.WriteJsonAsync(ctx, 200, table);
            return;
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = Responses.Json;
        var pretty = PrettyPrint.Wanted(ctx.Request);
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, PrettyPrint.WriterOptions(ctx.Request));
        w.WriteStartObject();
        w.WriteString("kind", info.Type.Kind + "List");
        w.WriteString("apiVersion", info.Type.ApiVersion);
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", result.Revision.ToString());
        if (continueToken != null) w.WriteString("continue", continueToken);
        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var item in result.Items)
        {
            if (pretty)
            {
                using var document = JsonDocument.Parse(item.Json);
                document.WriteTo(w); // a raw value would stay on one line
            }
            else w.WriteRawValue(item.Json, skipInputValidation: true);
            if (w.BytesPending > 32 * 1024) await w.FlushAsync(ctx.RequestAborted);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(ctx.RequestAborted);
    }

    public async Task WatchAsync(HttpContext ctx, RequestInfo info)
    {
        var q = ctx.Request.Query;
        var filter = ListFilter.FromQuery(ctx.Request, info.Type);
        var asTable = Negotiation.WantsTable(ctx.Request);
        var bookmarks = QueryBool.Parse(q["allowWatchBookmarks"]);
        var timeout = long.TryParse(q["timeoutSeconds"], out var t) && t > 0
            ? TimeSpan.FromSeconds(t)
            : TimeSpan.FromMinutes(30 + Random.Shared.Next(30)); // kube's min-request-timeout spread
        var rvText = q["resourceVersion"].ToString();
        if (rvText.Length > 0 && !long.TryParse(rvText, out _))
            throw ApiException.BadRequest($"invalid resource version: {rvText}");
        var fromRevision = rvText.Length == 0 ? 0 : long.Parse(rvText);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        timeoutCts.CancelAfter(timeout);
        var ct = timeoutCts.Token;

        var stream = new WatchStreamWriter(ctx, info.Type, asTable, clock);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = Responses.Json;
        await ctx.Response.StartAsync(ct);
        await ctx.Response.BodyWriter.FlushAsync(ct); // headers now, so clients see the watch open before the first event

        // RV absent or "0": start with the current state as ADDED events, then follow from that revision.
        long lastRevision = fromRevision;
        if (fromRevision == 0)
        {
            var snapshot = store.List(info.Type.StorageKey, ScopeNamespace(info), filter: filter.Matches);
            foreach (var item in snapshot.Items)
                await stream.WriteAsync("ADDED", item.Json, ct);
            lastRevision = snapshot.Revision;
        }

        IWatchSubscription subscription;
        try
        {
            subscription = store.Watch(info.Type.StorageKey, ScopeNamespace(info), lastRevision);
        }
        catch (StoreExpiredException e)
        {
            await stream.WriteErrorAsync(new ApiException(410, "Expired", $"too old resource version: {e.Requested} ({e.Oldest})"), ct);
            return;
        }

        using (subscription)
        {
            using var bookmarkTimer = bookmarks ? new PeriodicTimer(BookmarkInterval) : null;
            var events = subscription.ReadAllAsync(ct).GetAsyncEnumerator(ct);
            try
            {
                var nextEvent = events.MoveNextAsync().AsTask();
                var nextTick = bookmarkTimer?.WaitForNextTickAsync(ct).AsTask();
                while (true)
                {
                    if (nextTick != null && await Task.WhenAny(nextEvent, nextTick) == nextTick)
                    {
                        if (!await nextTick) break;
                        await stream.WriteBookmarkAsync(lastRevision, ct);
                        nextTick = bookmarkTimer!.WaitForNextTickAsync(ct).AsTask();
                        continue;
                    }
                    if (!await nextEvent) break;
                    var e = events.Current;
                    lastRevision = e.Object.Revision;
                    var (type, json) = Translate(e, filter);
                    if (type != null) await stream.WriteAsync(type, json!, ct);
                    nextEvent = events.MoveNextAsync().AsTask();
                }
            }
            catch (OperationCanceledException) { }
            catch (WatchOverflowException) { } // the client re-watches from its last revision
            finally
            {
                try { await events.DisposeAsync(); } catch { }
            }
        }
    }

    /// <summary>Filtered watches turn a change into ADDED/DELETED when the object enters or leaves the selection, as kube's cacheWatcher does.</summary>
    static (string? Type, byte[]? Json) Translate(WatchEvent e, ListFilter filter)
    {
        if (filter.IsEmpty)
            return (e.Type switch { WatchEventType.Added => "ADDED", WatchEventType.Modified => "MODIFIED", _ => "DELETED" }, e.Object.Json);
        var current = e.Object.Parse();
        var currentPasses = filter.Test(current);
        var previousPasses = e.Previous != null && filter.Test(e.Previous.Parse());
        if (e.Type == WatchEventType.Deleted) return currentPasses || previousPasses ? ("DELETED", e.Object.Json) : (null, null);
        if (currentPasses && !previousPasses) return ("ADDED", e.Object.Json);
        if (currentPasses) return ("MODIFIED", e.Object.Json);
        if (previousPasses)
        {
            var old = e.Previous!.Parse();
            old.Metadata()["resourceVersion"] = e.Object.Revision.ToString();
            return ("DELETED", old.ToUtf8());
        }
        return (null, null);
    }

    static string? ScopeNamespace(RequestInfo info) => info.Type.Namespaced ? info.Namespace : null;
}
