using System.Globalization;
using System.Text;
using System.Text.Json;
using Handshake.Audit;

namespace Handshake.Cli.Audit;

/// <summary>The scorecard: a line per scenario (verdict, id, what the client did, source), a summary, or JSON for CI.</summary>
internal static class AuditScorecard
{
    public static string Line(AuditFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var verdict = finding.Verdict switch
        {
            AuditVerdict.Pass => "PASS",
            AuditVerdict.Fail => "FAIL",
            _ => "N/A ",
        };
        return $"{verdict}  {finding.Scenario.Id,-28} {finding.Explanation}";
    }

    public static async Task WriteTableAsync(TextWriter output, IReadOnlyList<AuditFinding> findings)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("scorecard");
        foreach (var finding in findings)
        {
            text.AppendLine(Line(finding));
            text.Append("      source: ").AppendLine(finding.Scenario.Source);
            if (finding.Verdict == AuditVerdict.Fail)
            {
                text.Append("      fix: ").AppendLine(finding.Scenario.Fix);
            }
        }

        text.AppendLine(Summary(findings));
        await output.WriteAsync(text.ToString()).ConfigureAwait(false);
    }

    public static string Summary(IReadOnlyList<AuditFinding> findings) => string.Create(
        CultureInfo.InvariantCulture,
        $"{findings.Count(f => f.Verdict == AuditVerdict.Pass)} passed, {findings.Count(f => f.Verdict == AuditVerdict.Fail)} failed, {findings.Count(f => f.Verdict == AuditVerdict.NotApplicable)} not applicable");

    public static async Task WriteListAsync(TextWriter output, IReadOnlyList<AuditScenario> scenarios)
    {
        var text = new StringBuilder();
        foreach (var scenario in scenarios)
        {
            text.Append(scenario.Id).Append(scenario.IsControl ? " (control)" : string.Empty).Append(scenario.UsesTls ? " (TLS)" : string.Empty).AppendLine();
            text.Append("  ").AppendLine(scenario.Description);
            text.Append("  correct client: ").AppendLine(scenario.CorrectClient);
            text.Append("  source: ").AppendLine(scenario.Source);
        }

        await output.WriteAsync(text.ToString()).ConfigureAwait(false);
    }

    public static async Task WriteJsonAsync(TextWriter output, AuditProtocol protocol, IReadOnlyList<AuditFinding> findings)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("protocol", protocol == AuditProtocol.PostgreSql ? "postgres" : "mysql");
            json.WriteNumber("passed", findings.Count(f => f.Verdict == AuditVerdict.Pass));
            json.WriteNumber("failed", findings.Count(f => f.Verdict == AuditVerdict.Fail));
            json.WriteNumber("notApplicable", findings.Count(f => f.Verdict == AuditVerdict.NotApplicable));
            json.WriteStartArray("findings");
            foreach (var finding in findings)
            {
                var scenario = finding.Scenario;
                json.WriteStartObject();
                json.WriteString("scenario", scenario.Id);
                json.WriteString("verdict", finding.Verdict.ToString());
                json.WriteString("behavior", finding.Behavior.ToString());
                json.WriteString("explanation", finding.Explanation);
                json.WriteString("description", scenario.Description);
                json.WriteString("source", scenario.Source);
                json.WriteString("correctClient", scenario.CorrectClient);
                json.WriteString("fix", scenario.Fix);
                json.WriteBoolean("control", scenario.IsControl);
                json.WriteString("connectionEnd", finding.Observation.End.ToString());
                json.WriteNumber("seconds", Math.Round(finding.Observation.Elapsed.TotalSeconds, 3));
                json.WriteStartArray("events");
                foreach (var line in finding.Observation.Events)
                {
                    json.WriteStringValue(line);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
    }
}
