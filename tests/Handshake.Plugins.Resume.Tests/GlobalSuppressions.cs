using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "Mirrors the package namespace Handshake.Plugins.Resume.", Scope = "namespace", Target = "~N:Handshake.Plugins.Resume.Tests")]
