namespace Podway.Images.Common;

/// <summary>Go's log package output ("2006/01/02 15:04:05 message" on stderr), as the agnhost programs print.</summary>
internal static class GoLog
{
    public static void Printf(string message)
    {
        var line = $"{DateTime.Now:yyyy'/'MM'/'dd HH':'mm':'ss} {message}";
        Console.Error.WriteLine(line);
    }

    /// <summary>log.Fatalf: print and exit 1.</summary>
    public static int Fatal(string message)
    {
        Printf(message);
        Environment.Exit(1);
        return 1;
    }
}
