using System.Text;
using Podway.Edge.Serving;

namespace Podway.Edge.Tests.Serving;

public class AccessLogTimeTests
{
    [Theory]
    [InlineData(0.0, "0.000")]
    [InlineData(0.0034, "0.003")]
    [InlineData(0.05, "0.050")]
    [InlineData(1.2, "1.200")]
    [InlineData(12.3456, "12.346")]
    [InlineData(-0.001, "0.000")]
    public void AppendMilliseconds_LikeNginxRequestTime(double seconds, string expected)
    {
        var line = new StringBuilder();
        AccessLog.AppendMilliseconds(line, seconds);
        Assert.Equal(expected, line.ToString());
    }
}
