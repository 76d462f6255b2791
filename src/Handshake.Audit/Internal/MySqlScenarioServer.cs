using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Handshake.Plugins.NativePassword;

namespace Handshake.Audit.Internal;

/// <summary>Runs a <see cref="MySqlPlan"/> against one client: MySQL's connection phase (handshake v10, SSL request, auth switch, next factor, OK/ERR).</summary>
internal static class MySqlScenarioServer
{
    public const string UnknownPlugin = "handshake_audit_unknown";
    public const string UnknownFactor = "handshake_audit_factor";
    private const string Native = NativePasswordPluginNames.MySqlNativePassword;
    private const int MaxCommands = 8;

    public static async Task RunAsync(ScenarioContext context, MySqlPlan plan)
    {
        var facts = context.Facts;
        var wire = new MySqlWire(context);
        var scramble = NewScramble();
        var capabilities = MySqlWire.ClientLongPassword | 0x2 | 0x4 | MySqlWire.ClientConnectWithDb | MySqlWire.ClientProtocol41 | 0x2000
            | MySqlWire.ClientSecureConnection | 0x10000 | 0x20000 | MySqlWire.ClientPluginAuth | MySqlWire.ClientConnectAttrs
            | MySqlWire.ClientPluginAuthLenencData | MySqlWire.ClientMultiFactorAuthentication | (plan.Tls ? MySqlWire.ClientSsl : 0);
        var greeting = MySqlWire.Greeting(scramble, capabilities, Native);
        if (plan.Mode == MySqlMode.HugeLength)
        {
            // A header announcing 0xFFFFFF bytes (the largest a header can say; more would follow as continuation
            // packets), then the greeting's first bytes and nothing more.
            await context.SendAsync((byte[])[0xFF, 0xFF, 0xFF, 0x00, .. greeting.AsSpan(0, 16)]).ConfigureAwait(false);
            facts.Add("server: greeting packet announced as 16 MiB - 1 (continued), 16 bytes of it sent");
            context.HostileMessageSent();
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        await wire.WriteAsync(greeting).ConfigureAwait(false);
        facts.Add("server: handshake v10 (" + Native + (plan.Tls ? ", CLIENT_SSL" : string.Empty) + ")");
        var response = await ReadResponseAsync(context, wire, plan).ConfigureAwait(false);
        if (plan.Tls && !facts.UsedTls)
        {
            facts.TlsMissing = true;
            facts.Add("client: did not ask for TLS");
            await wire.WriteAsync(MySqlWire.Error(1045, "28000", "this audit scenario needs TLS")).ConfigureAwait(false);
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        switch (plan.Mode)
        {
            case MySqlMode.StallAfterGreeting:
                facts.Add("server: (stalls: no answer to the HandshakeResponse)");
                context.HostileMessageSent();
                await context.WaitForCloseAsync().ConfigureAwait(false);
                return;
            case MySqlMode.ErrorControlCharacters:
                await wire.WriteAsync(MySqlWire.Error(1045, "28000", plan.ErrorMessage ?? string.Empty)).ConfigureAwait(false);
                facts.Add("server: ERR 1045 with ESC/BEL/CR/LF in its message");
                await context.WaitForCloseAsync().ConfigureAwait(false);
                return;
            case MySqlMode.ClearPassword:
                await HostileSwitchAsync(context, wire, "mysql_clear_password", []).ConfigureAwait(false);
                return;
            case MySqlMode.DialogPassword:
                // dialog's question: type 4 (no echo, PAM_PROMPT_ECHO_OFF), then the text, as auth_pam sends it.
                await HostileSwitchAsync(context, wire, "dialog", [4, .. "Password: "u8]).ConfigureAwait(false);
                return;
            case MySqlMode.DialogUnprompted:
                // An empty first dialog packet: libmariadb's dialog then sends the password unasked.
                await HostileSwitchAsync(context, wire, "dialog", []).ConfigureAwait(false);
                return;
            case MySqlMode.DialogPromptLoop:
                await DialogPromptLoopAsync(context, wire, plan.PromptBound).ConfigureAwait(false);
                return;
            case MySqlMode.DialogOversizedPrompt:
                await DialogOversizedPromptAsync(context, wire, plan.PromptLength).ConfigureAwait(false);
                return;
            case MySqlMode.UnknownPlugin:
                await HostileSwitchAsync(context, wire, UnknownPlugin, [.. NewScramble(), 0]).ConfigureAwait(false);
                return;
            case MySqlMode.SwitchLoop:
                await SwitchLoopAsync(context, wire, plan.SwitchBound).ConfigureAwait(false);
                return;
            default:
                break;
        }

        if (!await FirstFactorAsync(context, wire, response, scramble).ConfigureAwait(false))
        {
            await wire.WriteAsync(MySqlWire.Error(1045, "28000", $"Access denied for user '{context.Options.UserName}'@'127.0.0.1' (using password: YES)")).ConfigureAwait(false);
            facts.Add("server: ERR 1045 (the client's scramble did not verify)");
            await context.WaitForCloseAsync().ConfigureAwait(false);
            return;
        }

        if (plan.Mode == MySqlMode.NextFactorUnknown)
        {
            await wire.WriteAsync(MySqlWire.AuthSwitch(0x02, UnknownFactor, [.. NewScramble(), 0])).ConfigureAwait(false);
            facts.Add("server: AuthNextFactor (0x02) " + UnknownFactor);
            context.HostileMessageSent();
            await AnswerToUnknownAsync(context, wire).ConfigureAwait(false);
            return;
        }

        await LoggedInAsync(context, wire).ConfigureAwait(false);
    }

    private static async Task<MySqlHandshakeResponse> ReadResponseAsync(ScenarioContext context, MySqlWire wire, MySqlPlan plan)
    {
        var payload = await wire.ReadAsync().ConfigureAwait(false);
        if (payload.Length == 32 && (BitConverter.ToUInt32(payload, 0) & MySqlWire.ClientSsl) != 0)
        {
            context.Facts.Add("client: SSL request");
            if (!plan.Tls)
            {
                throw new ClientProtocolException("SSL request although the greeting did not offer CLIENT_SSL");
            }

            await context.UpgradeToTlsAsync().ConfigureAwait(false);
            payload = await wire.ReadAsync().ConfigureAwait(false);
        }

        var response = MySqlHandshakeResponse.Parse(payload);
        context.Facts.Add(string.Create(CultureInfo.InvariantCulture, $"client: HandshakeResponse41 (plugin {response.Plugin ?? "none"}, {response.AuthResponse.Length}-byte auth response{((response.Capabilities & MySqlWire.ClientMultiFactorAuthentication) != 0 ? ", multi-factor capable" : string.Empty)})"));
        return response;
    }

    /// <summary>The honest first factor: mysql_native_password, switching the client to it when it answered with another plugin.</summary>
    private static async Task<bool> FirstFactorAsync(ScenarioContext context, MySqlWire wire, MySqlHandshakeResponse response, byte[] scramble)
    {
        var answer = response.AuthResponse;
        if (response.Plugin is not null && response.Plugin != Native)
        {
            scramble = NewScramble();
            await wire.WriteAsync(MySqlWire.AuthSwitch(0xFE, Native, [.. scramble, 0])).ConfigureAwait(false);
            context.Facts.Add($"server: AuthSwitchRequest {Native} (client answered with {response.Plugin})");
            answer = await wire.ReadAnswerAsync().ConfigureAwait(false);
            context.Facts.Add("client: auth switch response");
        }

        return Verify(context.Options.Password, scramble, answer);
    }

    private static async Task HostileSwitchAsync(ScenarioContext context, MySqlWire wire, string plugin, byte[] data)
    {
        await wire.WriteAsync(MySqlWire.AuthSwitch(0xFE, plugin, data)).ConfigureAwait(false);
        context.Facts.Add("server: AuthSwitchRequest " + plugin + (context.Facts.UsedTls ? string.Empty : " (plain TCP)"));
        context.HostileMessageSent();
        await AnswerToUnknownAsync(context, wire, clearTextAllowedToBeAnswered: plugin is "mysql_clear_password" or "dialog").ConfigureAwait(false);
    }

    /// <summary>The client answered a plugin it cannot (or must not) speak: note what it sent, then pretend to accept, so a lax client logs in.</summary>
    private static async Task AnswerToUnknownAsync(ScenarioContext context, MySqlWire wire, bool clearTextAllowedToBeAnswered = false)
    {
        var answer = await wire.ReadAnswerAsync().ConfigureAwait(false);
        var password = Encoding.UTF8.GetBytes(context.Options.Password);
        var trimmed = answer.AsSpan().TrimEnd((byte)0);
        var isPassword = CryptographicOperations.FixedTimeEquals(trimmed, password);
        context.Facts.SentClearPassword = isPassword && !context.Facts.UsedTls;
        context.Facts.AnsweredUnknownPlugin = !clearTextAllowedToBeAnswered && answer.Length > 0;
        context.Facts.Add(string.Create(CultureInfo.InvariantCulture, $"client: answered with {answer.Length} bytes{(isPassword ? " (the password in clear text)" : string.Empty)}"));
        await LoggedInAsync(context, wire).ConfigureAwait(false);
    }

    private static async Task SwitchLoopAsync(ScenarioContext context, MySqlWire wire, int bound)
    {
        for (var i = 0; i < bound; i++)
        {
            await wire.WriteAsync(MySqlWire.AuthSwitch(0xFE, Native, [.. NewScramble(), 0])).ConfigureAwait(false);
            if (i == 0)
            {
                context.Facts.Add("server: AuthSwitchRequest " + Native + ", again after every answer");
                context.HostileMessageSent();
            }

            _ = await wire.ReadAnswerAsync().ConfigureAwait(false);
            context.Facts.SwitchesAnswered = i + 1;
        }

        context.Facts.Add(string.Create(CultureInfo.InvariantCulture, $"server: gave up after {bound} answered switches"));
        await wire.WriteAsync(MySqlWire.Error(1045, "28000", "too many auth switches (the audit server's bound)")).ConfigureAwait(false);
        await context.WaitForCloseAsync().ConfigureAwait(false);
    }

    /// <summary>A password question, then another after every answer (MariaDB sends later questions as they are: type byte first).</summary>
    private static async Task DialogPromptLoopAsync(ScenarioContext context, MySqlWire wire, int bound)
    {
        byte[] question = [4, .. "Password: "u8];
        await wire.WriteAsync(MySqlWire.AuthSwitch(0xFE, "dialog", question)).ConfigureAwait(false);
        context.Facts.Add("server: AuthSwitchRequest dialog (\"Password: \"), and another question after every answer, none marked last");
        context.HostileMessageSent();
        for (var i = 0; i < bound; i++)
        {
            _ = await wire.ReadAnswerAsync().ConfigureAwait(false);
            context.Facts.DialogQuestionsAnswered = i + 1;
            if (i + 1 < bound)
            {
                await wire.WriteAsync(question).ConfigureAwait(false);
            }
        }

        context.Facts.Add(string.Create(CultureInfo.InvariantCulture, $"server: gave up after {bound} answered dialog questions"));
        await wire.WriteAsync(MySqlWire.Error(1045, "28000", "too many dialog questions (the audit server's bound)")).ConfigureAwait(false);
        await context.WaitForCloseAsync().ConfigureAwait(false);
    }

    /// <summary>One password question whose text is <paramref name="length"/> bytes (PAM's own limit is 512, PAM_MAX_MSG_SIZE), ending in "Password: ".</summary>
    private static async Task DialogOversizedPromptAsync(ScenarioContext context, MySqlWire wire, int length)
    {
        var question = new byte[1 + length];
        question[0] = 4;
        question.AsSpan(1).Fill((byte)'A');
        "Password: "u8.CopyTo(question.AsSpan(question.Length - "Password: "u8.Length));
        await wire.WriteAsync(MySqlWire.AuthSwitch(0xFE, "dialog", question)).ConfigureAwait(false);
        context.Facts.Add(string.Create(CultureInfo.InvariantCulture, $"server: AuthSwitchRequest dialog with a {length}-byte password question"));
        context.HostileMessageSent();
        await AnswerToUnknownAsync(context, wire, clearTextAllowedToBeAnswered: true).ConfigureAwait(false);
    }

    /// <summary>OK, then any command means the client considers itself logged in; queries get an error.</summary>
    private static async Task LoggedInAsync(ScenarioContext context, MySqlWire wire)
    {
        await wire.WriteAsync(MySqlWire.Ok()).ConfigureAwait(false);
        context.Facts.ServerSentOk = true;
        context.Facts.Add("server: OK");
        var loggedIn = false;
        for (var i = 0; i < MaxCommands; i++)
        {
            wire.ResetSequence();
            var command = await wire.ReadAsync().ConfigureAwait(false);

            // Only a command (sequence 0, a known command byte) shows the client moved on to the command phase;
            // a client that failed may still flush a packet of its auth exchange.
            var isCommand = wire.LastSequence == 0 && command.Length > 0 && command[0] is 0x01 or 0x02 or 0x03 or 0x0E or 0x11 or 0x16 or 0x17 or 0x1B or 0x1F;
            if (!isCommand)
            {
                context.Facts.Add(string.Create(CultureInfo.InvariantCulture, $"client: a {command.Length}-byte packet (sequence {wire.LastSequence}) after OK that is not a command"));
                continue;
            }

            if (!loggedIn)
            {
                loggedIn = true;
                context.Facts.End = AuditConnectionEnd.ClientLoggedIn;
                context.Facts.Add(string.Create(CultureInfo.InvariantCulture, $"client: command 0x{command[0]:x2} after OK (logged in)"));
            }

            if (command[0] == 0x01)
            {
                return;
            }

            await wire.WriteAsync(command[0] == 0x0E ? MySqlWire.Ok() : MySqlWire.Error(1047, "08S01", "the Handshake audit server runs no queries")).ConfigureAwait(false);
        }
    }

    private static bool Verify(string password, byte[] scramble, byte[] answer)
    {
        var utf8 = Encoding.UTF8.GetBytes(password);
        Span<byte> expected = stackalloc byte[NativePasswordScramble.ResponseLength];
        try
        {
            var written = NativePasswordScramble.ComputeResponse(utf8, scramble, expected);
            return CryptographicOperations.FixedTimeEquals(expected[..written], answer);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
            CryptographicOperations.ZeroMemory(expected);
        }
    }

    private static byte[] NewScramble()
    {
        var scramble = new byte[NativePasswordScramble.ScrambleLength];
        NativePasswordScramble.GenerateScramble(SystemRandomSource.Instance, scramble);
        return scramble;
    }
}
