using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MimeKit;
using Nuages.Conf;

namespace Nuages.Core;

/// <summary>
/// A mail to send (Django's <c>EmailMessage</c>, with <see cref="HtmlBody"/> as <c>EmailMultiAlternatives</c>' HTML
/// alternative): <c>new EmailMessage { Subject = …, Body = …, To = ["ann@example.com"] }.Send()</c>.
/// </summary>
public sealed class EmailMessage
{
    /// <summary>The subject (one line).</summary>
    public string Subject { get; set; } = "";

    /// <summary>The plain-text body.</summary>
    public string Body { get; set; } = "";

    /// <summary>An HTML alternative of the body, if any.</summary>
    public string? HtmlBody { get; set; }

    /// <summary>The sender; <c>Settings.DefaultFromEmail</c> when null.</summary>
    public string? FromEmail { get; set; }

    /// <summary>The recipients.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>Copies.</summary>
    public List<string> Cc { get; set; } = [];

    /// <summary>Hidden copies.</summary>
    public List<string> Bcc { get; set; } = [];

    /// <summary>Where replies go.</summary>
    public List<string> ReplyTo { get; set; } = [];

    /// <summary>More headers.</summary>
    public Dictionary<string, string> Headers { get; } = [];

    /// <summary>Everyone the mail goes to: To, Cc and Bcc (Django's <c>recipients()</c>).</summary>
    public IEnumerable<string> Recipients() => To.Concat(Cc).Concat(Bcc).Where(r => r.Length > 0);

    /// <summary>The mail as MIME, as the backends send or keep it.</summary>
    public MimeMessage ToMime()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(FromEmail ?? Site.TryCurrent?.Settings.DefaultFromEmail ?? "webmaster@localhost"));
        message.To.AddRange(To.Select(MailboxAddress.Parse));
        message.Cc.AddRange(Cc.Select(MailboxAddress.Parse));
        message.Bcc.AddRange(Bcc.Select(MailboxAddress.Parse));
        message.ReplyTo.AddRange(ReplyTo.Select(MailboxAddress.Parse));
        if (Subject.Contains('\n', StringComparison.Ordinal) || Subject.Contains('\r', StringComparison.Ordinal))
            throw new ArgumentException($"Header values can't contain newlines (got '{Subject}' for header 'Subject')");
        message.Subject = Subject;
        foreach (var (name, value) in Headers) message.Headers[name] = value;
        var body = new BodyBuilder { TextBody = Body, HtmlBody = HtmlBody };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Sends the mail with the site's backend; returns how many were sent (0 or 1).</summary>
    public int Send() => Recipients().Any() ? Mail.Backend().SendMessages([this]) : 0;

    /// <summary>The async form of <see cref="Send"/>: the SMTP conversation with async I/O.</summary>
    public async Task<int> SendAsync(CancellationToken cancellationToken = default) =>
        Recipients().Any() ? await Mail.Backend().SendMessagesAsync([this], cancellationToken).ConfigureAwait(false) : 0;
}

/// <summary>How mail leaves (Django's email backends). Make one of your own and name it in <c>Settings.EmailBackend</c>.</summary>
public interface IEmailBackend
{
    /// <summary>Sends the messages; returns how many were sent.</summary>
    int SendMessages(IReadOnlyList<EmailMessage> messages);

    /// <summary>The async form of <see cref="SendMessages"/>.</summary>
    Task<int> SendMessagesAsync(IReadOnlyList<EmailMessage> messages, CancellationToken cancellationToken = default);
}

/// <summary>Django's <c>send_mail</c> and the built-in backends, chosen by <c>Settings.EmailBackend</c>.</summary>
public static class Mail
{
    private static readonly ConditionalWeakTable<Site, List<EmailMessage>> Outboxes = [];

    /// <summary>
    /// The mail the <c>locmem</c> backend kept for the current site (Django's <c>mail.outbox</c>), oldest first:
    /// what a test reads to see the mail a view sent.
    /// </summary>
    public static List<EmailMessage> Outbox => Outboxes.GetValue(Site.Current, _ => []);

    /// <summary>The site's backend.</summary>
    public static IEmailBackend Backend()
    {
        var settings = Site.TryCurrent?.Settings ?? new Settings();
        var name = settings.EmailBackend;
        var shortName = name.StartsWith("django.core.mail.backends.", StringComparison.Ordinal) ? name["django.core.mail.backends.".Length..].Split('.')[0] : name;
        return shortName switch
        {
            "smtp" => new SmtpEmailBackend(settings),
            "console" => new ConsoleEmailBackend(Console.Out),
            "file" => new FileEmailBackend(settings.EmailFilePath),
            "locmem" => new LocMemEmailBackend(),
            "dummy" => new DummyEmailBackend(),
            _ => TypeNames.Resolve(name) is { } type && Activator.CreateInstance(type) is IEmailBackend backend ? backend
                : throw new ImproperlyConfigured($"EmailBackend is '{name}': use smtp, console, file, locmem, dummy, Django's dotted names of them, or the full type name of an IEmailBackend."),
        };
    }

    /// <summary>Django's <c>send_mail</c>: one message to <paramref name="recipients"/>; returns how many were sent.</summary>
    public static int SendMail(string subject, string message, string? fromEmail, IEnumerable<string> recipients, string? htmlMessage = null) =>
        new EmailMessage { Subject = subject, Body = message, FromEmail = fromEmail, To = [.. recipients], HtmlBody = htmlMessage }.Send();

    /// <summary>The async form of <see cref="SendMail"/> (Django 5.x has none; the SMTP conversation here is async I/O).</summary>
    public static Task<int> SendMailAsync(string subject, string message, string? fromEmail, IEnumerable<string> recipients, string? htmlMessage = null, CancellationToken cancellationToken = default) =>
        new EmailMessage { Subject = subject, Body = message, FromEmail = fromEmail, To = [.. recipients], HtmlBody = htmlMessage }.SendAsync(cancellationToken);

    internal static void Keep(EmailMessage message) => Outbox.Add(message);
}

/// <summary>Django's <c>locmem</c> backend: mail kept in <see cref="Mail.Outbox"/>, for tests.</summary>
public sealed class LocMemEmailBackend : IEmailBackend
{
    /// <inheritdoc/>
    public int SendMessages(IReadOnlyList<EmailMessage> messages)
    {
        foreach (var message in messages)
        {
            message.ToMime(); // checks the headers, as Django's does by making the message
            Mail.Keep(message);
        }
        return messages.Count;
    }

    /// <inheritdoc/>
    public Task<int> SendMessagesAsync(IReadOnlyList<EmailMessage> messages, CancellationToken cancellationToken = default) => Task.FromResult(SendMessages(messages));
}

/// <summary>Django's <c>dummy</c> backend: nothing is sent.</summary>
public sealed class DummyEmailBackend : IEmailBackend
{
    /// <inheritdoc/>
    public int SendMessages(IReadOnlyList<EmailMessage> messages) => messages.Count;

    /// <inheritdoc/>
    public Task<int> SendMessagesAsync(IReadOnlyList<EmailMessage> messages, CancellationToken cancellationToken = default) => Task.FromResult(messages.Count);
}

/// <summary>Django's <c>console</c> backend: each message written as MIME, then a line of 79 dashes.</summary>
public class ConsoleEmailBackend(TextWriter writer) : IEmailBackend
{
    private static readonly Lock Writing = new();

    /// <inheritdoc/>
    public int SendMessages(IReadOnlyList<EmailMessage> messages)
    {
        lock (Writing)
        {
            foreach (var message in messages)
            {
                writer.Write(message.ToMime().ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
                writer.WriteLine();
                writer.WriteLine(new string('-', 79));
            }
            writer.Flush();
        }
        return messages.Count;
    }

    /// <inheritdoc/>
    public Task<int> SendMessagesAsync(IReadOnlyList<EmailMessage> messages, CancellationToken cancellationToken = default) => Task.FromResult(SendMessages(messages));
}

/// <summary>Django's <c>file</c> backend: the messages of each sending in a new file of <c>EmailFilePath</c>, named by time.</summary>
public sealed class FileEmailBackend : IEmailBackend
{
    private readonly string _folder;
    private static int _counter;

    /// <summary>A backend writing into <paramref name="folder"/>, made if missing.</summary>
    public FileEmailBackend(string folder)
    {
        if (string.IsNullOrEmpty(folder)) throw new ImproperlyConfigured("The file email backend needs EmailFilePath: the folder to write the messages into.");
        Directory.CreateDirectory(folder);
        _folder = folder;
    }

    /// <inheritdoc/>
    public int SendMessages(IReadOnlyList<EmailMessage> messages)
    {
        var name = $"{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}.log";
        using var writer = new StreamWriter(Path.Combine(_folder, name), append: true);
        return new ConsoleEmailBackend(writer).SendMessages(messages);
    }

    /// <inheritdoc/>
    public Task<int> SendMessagesAsync(IReadOnlyList<EmailMessage> messages, CancellationToken cancellationToken = default) => Task.FromResult(SendMessages(messages));
}

/// <summary>Django's <c>smtp</c> backend, through MailKit: <c>EmailHost</c>, <c>EmailPort</c>, STARTTLS or TLS, a login when a user is set.</summary>
public sealed class SmtpEmailBackend(Settings settings) : IEmailBackend
{
    private MailKit.Security.SecureSocketOptions Security => settings.EmailUseSsl ? MailKit.Security.SecureSocketOptions.SslOnConnect
        : settings.EmailUseTls ? MailKit.Security.SecureSocketOptions.StartTls : MailKit.Security.SecureSocketOptions.None;

    private MailKit.Net.Smtp.SmtpClient Client() => new() { Timeout = settings.EmailTimeout is { } seconds ? seconds * 1000 : -1 };

    /// <inheritdoc/>
    public int SendMessages(IReadOnlyList<EmailMessage> messages)
    {
        if (messages.Count == 0) return 0;
        using var client = Client();
        client.Connect(settings.EmailHost, settings.EmailPort, Security);
        if (settings.EmailHostUser.Length > 0) client.Authenticate(settings.EmailHostUser, settings.EmailHostPassword);
        var sent = 0;
        foreach (var message in messages.Where(m => m.Recipients().Any()))
        {
            client.Send(message.ToMime());
            sent++;
        }
        client.Disconnect(quit: true);
        return sent;
    }

    /// <inheritdoc/>
    public async Task<int> SendMessagesAsync(IReadOnlyList<EmailMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0) return 0;
        using var client = Client();
        await client.ConnectAsync(settings.EmailHost, settings.EmailPort, Security, cancellationToken).ConfigureAwait(false);
        if (settings.EmailHostUser.Length > 0) await client.AuthenticateAsync(settings.EmailHostUser, settings.EmailHostPassword, cancellationToken).ConfigureAwait(false);
        var sent = 0;
        foreach (var message in messages.Where(m => m.Recipients().Any()))
        {
            await client.SendAsync(message.ToMime(), cancellationToken).ConfigureAwait(false);
            sent++;
        }
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        return sent;
    }
}
