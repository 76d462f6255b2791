// The README blocks compile into ReadmeSnippets; this program only proves they link.
Console.WriteLine("README C# blocks compiled.");
