// The built-in programs run inside Linux network namespaces; they use Unix file modes and libc's execv.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
