namespace Handshake.Interop.Tests.Infrastructure;

/// <summary>Test classes that use the PostgreSQL server share one <see cref="PostgresServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

/// <summary>Test classes that use the MariaDB server share one <see cref="MariaDbServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbServerGroup : ICollectionFixture<MariaDbServer>
{
    public const string Name = "MariaDB";
}

/// <summary>Test classes that use the Dovecot server share one <see cref="DovecotServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class DovecotServerGroup : ICollectionFixture<DovecotServer>
{
    public const string Name = "Dovecot";
}
