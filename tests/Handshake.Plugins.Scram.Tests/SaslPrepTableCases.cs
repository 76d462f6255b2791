using Handshake.Plugins.Scram.Internal;

namespace Handshake.Plugins.Scram.Tests;

/// <summary>The SASLprep tables by their RFC 3454 names, for table-wide theories.</summary>
internal static class SaslPrepTableCases
{
    public static IEnumerable<string> Names => ["B.1", "C.1.2", "Prohibited", "A.1", "D.1", "D.2"];

    public static ReadOnlySpan<int> Get(string name) => name switch
    {
        "B.1" => SaslPrepTables.MappedToNothing,
        "C.1.2" => SaslPrepTables.NonAsciiSpace,
        "Prohibited" => SaslPrepTables.Prohibited,
        "A.1" => SaslPrepTables.Unassigned,
        "D.1" => SaslPrepTables.RandALCat,
        "D.2" => SaslPrepTables.LCat,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown table."),
    };
}
