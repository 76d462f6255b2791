using Microsoft.Extensions.Logging;

namespace Handshake.Internal;

/// <summary>Every log line the engine writes, with fixed event ids. None takes a secret: names, indexes, codes and counts only.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Handshake factor {FactorIndex} started with plugin {PluginName}")]
    public static partial void ExchangeStarted(ILogger logger, string pluginName, int factorIndex);

    [LoggerMessage(2, LogLevel.Debug, "Server switched factor {FactorIndex} from plugin {FromPlugin} to {ToPlugin}")]
    public static partial void PluginSwitched(ILogger logger, int factorIndex, string? fromPlugin, string toPlugin);

    [LoggerMessage(3, LogLevel.Debug, "Factor {FactorIndex} passed with plugin {PluginName}")]
    public static partial void FactorPassed(ILogger logger, int factorIndex, string pluginName);

    [LoggerMessage(4, LogLevel.Information, "Authenticated as {UserName} at assurance level {AssuranceLevel} in {Rounds} rounds ({ElapsedMs} ms)")]
    public static partial void Authenticated(ILogger logger, string userName, int assuranceLevel, int rounds, double elapsedMs);

    [LoggerMessage(5, LogLevel.Warning, "Authentication failed with {Code} (plugin {PluginName}, factor {FactorIndex}): {Reason}")]
    public static partial void NegotiationFailed(ILogger logger, AuthErrorCode code, string? pluginName, int factorIndex, string reason);

    [LoggerMessage(10, LogLevel.Information, "Accepted user {UserName} at assurance level {AssuranceLevel} in {Rounds} rounds")]
    public static partial void Accepted(ILogger logger, string userName, int assuranceLevel, int rounds);

    [LoggerMessage(11, LogLevel.Warning, "Rejected user {UserName} with {Code} (verifier {PluginName}, factor {FactorIndex}): {Detail}")]
    public static partial void Rejected(ILogger logger, string? userName, AuthErrorCode code, string? pluginName, int factorIndex, string? detail);

    [LoggerMessage(12, LogLevel.Debug, "Acceptor asks for factor {FactorIndex} with verifier {PluginName}")]
    public static partial void FactorRequested(ILogger logger, int factorIndex, string pluginName);

    [LoggerMessage(13, LogLevel.Information, "Alternative verifier {PluginName} declined user {UserName} with {Code} ({Detail}); switching the client to {ToPlugin}")]
    public static partial void AlternativeDeclined(ILogger logger, string? userName, AuthErrorCode code, string? pluginName, string? detail, string toPlugin);
}
