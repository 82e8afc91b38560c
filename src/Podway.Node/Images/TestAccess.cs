using System.Runtime.CompilerServices;

// The catalog's tests substitute the host's executables (HostPrograms).
[assembly: InternalsVisibleTo("Podway.Images.Tests")]
