using System.Net;
using System.Net.Sockets;
using System.Text;
using Nuages.Core;
using Nuages.Tests.Support;

namespace Nuages.Tests.Core;

/// <summary>Django's email backends: locmem's outbox, console and file output, and SMTP through MailKit against a small SMTP server.</summary>
public class MailTests
{
    [Fact]
    public async Task Locmem_keeps_the_mail_and_refuses_newlines_in_headers()
    {
        using var site = TestSite.Create(s => { s.EmailBackend = "django.core.mail.backends.locmem.EmailBackend"; s.DefaultFromEmail = "site@example.com"; }).Enter();
        Assert.Equal(1, Mail.SendMail("Hello", "Body text", null, ["ann@example.com"]));
        Assert.Equal(1, await Mail.SendMailAsync("Again", "More", "me@example.com", ["bob@example.com"], htmlMessage: "<p>More</p>"));
        Assert.Equal(0, Mail.SendMail("Nobody", "x", null, []));
        Assert.Equal([("Hello", "site@example.com", "ann@example.com"), ("Again", "me@example.com", "bob@example.com")],
            Mail.Outbox.Select(m => (m.Subject, m.ToMime().From.ToString(), m.To[0])));
        Assert.Equal("Header values can't contain newlines (got 'Bad\nsubject' for header 'Subject')",
            Assert.Throws<ArgumentException>(() => Mail.SendMail("Bad\nsubject", "x", null, ["ann@example.com"])).Message);
    }

    [Fact]
    public void Console_and_file_backends_write_the_message_then_a_line_of_dashes()
    {
        var writer = new StringWriter();
        using var site = TestSite.Create(_ => { }).Enter();
        new ConsoleEmailBackend(writer).SendMessages([new EmailMessage { Subject = "Hi", Body = "Text", To = ["ann@example.com"] }]);
        var text = writer.ToString();
        Assert.Contains("Subject: Hi\n", text);
        Assert.Contains("To: ann@example.com\n", text);
        Assert.EndsWith("\n" + new string('-', 79) + Environment.NewLine, text);

        var folder = Directory.CreateTempSubdirectory("nuages-mail-").FullName;
        Assert.Equal(2, new FileEmailBackend(folder).SendMessages([new EmailMessage { Subject = "One", To = ["a@example.com"] }, new EmailMessage { Subject = "Two", To = ["b@example.com"] }]));
        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal(2, File.ReadAllText(file).Split(new string('-', 79)).Length - 1);
    }

    [Fact]
    public async Task Smtp_speaks_to_the_server_in_both_modes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = new List<string>();
        var server = Task.Run(async () =>
        {
            for (var session = 0; session < 2; session++)
            {
                using var client = await listener.AcceptTcpClientAsync();
                using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 test ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("EHLO", StringComparison.Ordinal)) await writer.WriteLineAsync("250 test");
                    else if (line == "DATA")
                    {
                        await writer.WriteLineAsync("354 go on");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } part && part != ".") data.AppendLine(part);
                        lock (received) received.Add(data.ToString());
                        await writer.WriteLineAsync("250 queued");
                    }
                    else if (line == "QUIT")
                    {
                        await writer.WriteLineAsync("221 bye");
                        break;
                    }
                    else await writer.WriteLineAsync("250 ok");
                }
            }
        });
        using var site = TestSite.Create(s => { s.EmailHost = "127.0.0.1"; s.EmailPort = port; s.EmailTimeout = 10; }).Enter();
        Assert.Equal(1, Mail.SendMail("Sync", "One", "site@example.com", ["ann@example.com"]));
        Assert.Equal(1, await Mail.SendMailAsync("Async", "Two", "site@example.com", ["bob@example.com"]));
        await server.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, received.Count);
        Assert.Contains("Subject: Sync", received[0]);
        Assert.Contains("Subject: Async", received[1]);
        Assert.Contains("To: bob@example.com", received[1]);
    }
}
