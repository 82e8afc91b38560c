using Podway.Cluster;
using Xunit;

namespace Podway.Cli.Tests;

public class RangeLockTests
{
    [Fact]
    public async Task A_second_up_waits_until_the_first_has_recorded_its_ranges()
    {
        var root = Directory.CreateTempSubdirectory("podway-rangelock-").FullName;
        try
        {
            var first = RangeLock.Acquire(root);
            var second = Task.Run(() => RangeLock.Acquire(root));
            await Task.Delay(300);
            Assert.False(second.IsCompleted, "the second acquire returned while the first held the lock");
            first.Dispose();
            (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
