using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Nuages.Channels;
using Nuages.Contrib.Messaging;
using Nuages.Db;
using Nuages.Db.Models;
using Nuages.Db.Query;
using Nuages.Forms;
using Nuages.Http;
using Nuages.Views.Generic;
using static Nuages.Urls.Routes;

namespace Site;

/// <summary>A blog entry, found by its slug; its comments are shown below it.</summary>
[Ordering("-published")]
public sealed class Entry : Model<Entry>
{
    [MaxLength(200)] public string Title { get; set; } = "";
    [MaxLength(50), Unique] public string Slug { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset Published { get; set; }

    /// <summary>The entry's comments: the other side of <see cref="Comment.Entry"/>.</summary>
    public RelatedManager<Comment> Comments => Related<Comment>();
}

/// <summary>A reader's comment on an entry; deleting the entry deletes its comments.</summary>
[Ordering("posted")]
public sealed class Comment : Model<Comment>
{
    [OnDelete(OnDelete.Cascade), RelatedName("comments")] public ForeignKey<Entry> Entry { get; set; } = new();
    [MaxLength(80)] public string Name { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset Posted { get; set; }
}

/// <summary>The comment form: made from the model (the body, a text field, shows a textarea), with a check of its own.</summary>
public sealed class CommentForm : ModelForm<Comment>
{
    protected override string[] IncludeFields => ["name", "body"];

    protected override IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string> { ["name"] = "Your name", ["body"] = "Comment" };

    protected override IReadOnlyDictionary<string, Func<Widget>> Widgets => new Dictionary<string, Func<Widget>>
    {
        ["body"] = () => new Textarea { Attrs = { ["rows"] = "4" } },
    };

    /// <summary>Django's <c>clean_body</c>: a comment says something.</summary>
    public string CleanBody()
    {
        var body = (string)CleanedData["body"]!;
        if (body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length < 3)
            throw new Nuages.Core.ValidationError("Please write a few words (three at least).", "short");
        return body;
    }
}

/// <summary>
/// An entry and its comments (an async DetailView), and the comment form posted to the same URL: invalid, the page
/// again with the errors and what was typed; valid, the comment saved with async I/O, a message and a redirect
/// (Post/Redirect/Get) to the comments.
/// </summary>
public sealed class EntryView : AsyncDetailView<Entry>
{
    /// <summary>POST, async: a comment on the entry.</summary>
    public async Task<HttpResponse> Post(HttpRequest request)
    {
        var entry = Object = await GetObjectAsync(cancellationToken: request.Aborted);
        var form = new CommentForm { Data = request.Form };
        if (!await form.IsValidAsync(request.Aborted))
            return RenderToResponse(GetContextData(new Dictionary<string, object?> { ["form"] = form }));
        var comment = await form.SaveAsync(commit: false, request.Aborted);
        comment.Entry = entry;
        comment.Posted = DateTimeOffset.UtcNow;
        await comment.SaveAsync(cancellationToken: request.Aborted);
        // every open page of this entry shows the comment at once (LiveComments, over the channel layer)
        await ChannelLayers.Get()!.GroupSendAsync(LiveComments.GroupOf(entry.Slug),
            new JsonObject { ["type"] = "comment.posted", ["name"] = comment.Name, ["body"] = comment.Body }, request.Aborted);
        Messages.Success(request, $"Thank you, {comment.Name}: your comment is below.");
        return new HttpResponseRedirect(Reverse("entry", new { slug = entry.Slug }) + "#comments");
    }

    /// <inheritdoc/>
    public override Dictionary<string, object?> GetContextData(object? extra = null)
    {
        var context = base.GetContextData(extra);
        context.TryAdd("form", new CommentForm());
        return context;
    }
}

/// <summary>
/// Live comments: each open page of an entry keeps a WebSocket to <c>ws/blog/&lt;slug&gt;/</c>, in the entry's group; a
/// comment posted (by any server process, with the Redis layer) reaches every page, which adds it to its list.
/// </summary>
public sealed class LiveComments : AsyncJsonWebsocketConsumer
{
    /// <summary>The group of an entry's pages.</summary>
    public static string GroupOf(string slug) => "entry_" + slug;

    /// <inheritdoc/>
    protected override IReadOnlyList<string> Groups => [GroupOf((string)Scope.UrlRoute["slug"]!)];

    /// <summary>comment.posted, sent to the group by the entry's view: to the page.</summary>
    public Task CommentPosted(JsonObject message) =>
        SendJsonAsync(new JsonObject { ["name"] = message["name"]?.DeepClone(), ["body"] = message["body"]?.DeepClone() });
}

/// <summary>The blog's first entries, added when the sample starts on an empty database.</summary>
internal static class BlogSeed
{
    public static void Add()
    {
        var start = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        (string Title, string Slug)[] titles =
            [("Hello, Nuages", "hello-nuages"), ("Templates, the Django way", "templates"), ("Forms that keep what you typed", "forms"), ("Async all the way down", "async")];
        var entries = titles.Select((t, i) => new Entry
        {
            Title = t.Title,
            Slug = t.Slug,
            Body = $"{t.Title}.\n\nThis entry is number {i + 1} of the sample blog: its page shows the comments below it, and a form to add one.",
            Published = start.AddDays(7 * i),
        }).ToList();
        foreach (var entry in entries) entry.Save();
        Comment.Objects.Create(new Comment { Entry = entries[0], Name = "Ursula", Body = "A fine first entry.", Posted = start.AddHours(5) });
    }
}
