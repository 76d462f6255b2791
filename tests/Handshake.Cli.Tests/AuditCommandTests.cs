using System.Net.Sockets;
using System.Text.Json;

namespace Handshake.Cli.Tests;

public sealed class AuditCommandTests
{
    [Fact]
    public async Task Audit_List_PrintsEveryScenarioWithItsSource()
    {
        var run = await CliRunner.RunAsync(null, "audit", "postgres", "--list");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("pg.control.scram (control)", run.Output, StringComparison.Ordinal);
        Assert.Contains("pg.iterations-100000000", run.Output, StringComparison.Ordinal);
        Assert.Contains("source: RFC 7677 §4", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("mysql.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_UnknownScenario_UsageErrorListingKnownOnes()
    {
        var run = await CliRunner.RunAsync(null, "audit", "mysql", "--scenario", "pg.control.scram");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("mysql.control.native", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_RunWithClientThatNeverConnects_ControlFailsInJson()
    {
        var run = await CliRunner.RunAsync(null, "audit", "postgres", "--scenario", "pg.control.scram", "--json", "--deadline", "2", "--run", "true");

        Assert.Equal(ExitCodes.Violation, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("pg.control.scram", finding.GetProperty("scenario").GetString());
        Assert.Equal("Fail", finding.GetProperty("verdict").GetString());
        Assert.Contains("never connected", finding.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("RFC 5802", finding.GetProperty("source").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_PortZero_PrintsListeningAndScoresTheConnection()
    {
        using var output = new SynchronizedWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment { Output = output, Error = error };
        var audit = HandshakeCommand.InvokeAsync(["audit", "mysql", "--scenario", "mysql.stall-after-greeting", "--port", "0", "--deadline", "3"], environment);

        var port = await output.WaitForPortAsync(TimeSpan.FromSeconds(20));
        using (var client = new TcpClient())
        {
            // A client that reads the greeting and hangs up: it refused, which is what this scenario wants.
            await client.ConnectAsync("127.0.0.1", port);
            var buffer = new byte[256];
            _ = await client.GetStream().ReadAsync(buffer);
        }

        var exit = await audit.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == ExitCodes.Success, output.ToString() + error);
        Assert.Contains("PASS  mysql.stall-after-greeting", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 passed, 0 failed, 0 not applicable", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A writer the command writes to while the test reads it.</summary>
    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _lock = new();

        public override void Write(char value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_lock)
            {
                base.Write(value);
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return base.ToString();
            }
        }

        public async Task<int> WaitForPortAsync(TimeSpan limit)
        {
            var until = DateTime.UtcNow + limit;
            while (DateTime.UtcNow < until)
            {
                var text = ToString();
                var at = text.IndexOf("listening on 127.0.0.1:", StringComparison.Ordinal);
                var end = at < 0 ? -1 : text.IndexOf('\n', at);
                if (end > 0)
                {
                    return int.Parse(text[(at + "listening on 127.0.0.1:".Length)..end].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }

                await Task.Delay(50);
            }

            throw new TimeoutException("handshake audit printed no 'listening on' line: " + ToString());
        }
    }
}
