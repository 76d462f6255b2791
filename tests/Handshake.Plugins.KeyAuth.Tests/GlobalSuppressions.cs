using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Reliability", "CA2012:Use ValueTasks correctly", Justification = "NSubstitute configures and checks ValueTask-returning members by calling them inside Returns/Received/Throws; those ValueTasks are never consumed.")]
