using System.Runtime.InteropServices;
using Podway.Node.Runtime;

namespace Podway.Node.Tests.Runtime;

/// <summary>The OCI runtime run from a sealed copy: the same binary, unwritable, and crun does not copy itself again.</summary>
public sealed class SealedExecutableTests
{
    const int FGetSeals = 1034;

    [CrunFact]
    public void Link_NamesASealedCopyOfTheBinary_ThatNobodyCanWrite()
    {
        var dir = Directory.CreateTempSubdirectory("podway-sealed-");
        try
        {
            var link = SealedExecutable.Link("/usr/bin/crun", dir.FullName);
            Assert.Equal("crun", Path.GetFileName(link));
            Assert.Equal(File.ReadAllBytes("/usr/bin/crun"), File.ReadAllBytes(link));
            using var copy = File.OpenHandle(link);
            // Sealed against writing, growing, shrinking and against lifting the seals.
            Assert.Equal(1 | 2 | 4 | 8, fcntl((int)copy.DangerousGetHandle(), FGetSeals, 0));
        }
        finally { dir.Delete(recursive: true); }
    }

    [CrunFact]
    public async Task Crun_StartedThroughTheLink_RunsTheSealedCopyWithoutCloningItself()
    {
        var dir = Directory.CreateTempSubdirectory("podway-sealed-");
        try
        {
            var link = SealedExecutable.Link("/usr/bin/crun", dir.FullName);
            string? exe = null;
            var output = await TinyContainer.RunAsync(link, "sleep 1; echo ran", null, async crun =>
            {
                await Task.Delay(300);
                exe = new FileInfo($"/proc/{crun.Id}/exe").LinkTarget;
            });
            Assert.Contains("ran", output);
            // A crun that copied itself would run from its own unlinked copy, not from this memfd.
            Assert.Equal("/memfd:crun (deleted)", exe);
        }
        finally { dir.Delete(recursive: true); }
    }

    [DllImport("libc", SetLastError = true)] static extern int fcntl(int fd, int cmd, int arg);
}
