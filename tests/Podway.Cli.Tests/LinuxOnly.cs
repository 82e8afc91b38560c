// podway drives Linux kernel objects (netns, nftables); it runs nowhere else.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
