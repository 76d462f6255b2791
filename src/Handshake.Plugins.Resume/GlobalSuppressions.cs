using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "The package is named for the feature, session resumption, as the issue and sibling packages (Handshake.Plugins.*) name theirs; VB's 'Resume' keyword only needs brackets there.", Scope = "namespace", Target = "~N:Handshake.Plugins.Resume")]
