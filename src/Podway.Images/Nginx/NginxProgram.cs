using System.Reflection;
using System.Runtime.InteropServices;

namespace Podway.Images.Nginx;

/// <summary>
/// The nginx image: writes a per-container config and welcome page into /tmp/podway-nginx-PID, then replaces
/// this process with Debian's real nginx (execv), so the Pod runs nginx itself: its signals, exit codes, logs
/// and memory. `-g` directives from the command line are kept; "daemon off;" is added unless already given.
/// PODWAY_NGINX_PORT moves the listener off :80 (tests, or hosts where a pod cannot bind low ports).
/// </summary>
internal static partial class NginxProgram
{
    const string FolderPrefix = "podway-nginx-";
    static readonly string[] Binaries = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"];

    public static int Run(string[] args)
    {
        var nginx = Binaries.FirstOrDefault(File.Exists);
        if (nginx is null)
        {
            Console.Error.WriteLine("nginx is not installed on this host: install Debian's nginx-light (`apt-get install nginx-light`; `podway up` installs it)");
            return 127;
        }
        var port = 80;
        if (Environment.GetEnvironmentVariable("PODWAY_NGINX_PORT") is { Length: > 0 } p && (!int.TryParse(p, out port) || port is <= 0 or > 65535))
        {
            Console.Error.WriteLine($"invalid PODWAY_NGINX_PORT \"{p}\"");
            return 1;
        }

        var directives = new List<string>();
        var passThrough = new List<string>();
        var customConfig = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "-g" && i + 1 < args.Length) directives.Add(args[++i]);
            else
            {
                customConfig |= args[i] == "-c";
                passThrough.Add(args[i]);
            }
        }
        if (!directives.Any(d => d.Contains("daemon", StringComparison.Ordinal)))
            directives.Add("daemon off;");

        var dir = Path.Combine(Path.GetTempPath(), FolderPrefix + Environment.ProcessId);
        RemoveStaleFolders();
        Directory.CreateDirectory(Path.Combine(dir, "html"));
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                       | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(dir, readable);
        File.SetUnixFileMode(Path.Combine(dir, "html"), readable);
        foreach (var page in new[] { "index.html", "50x.html" })
            File.WriteAllText(Path.Combine(dir, "html", page), Resource(page));
        var conf = Path.Combine(dir, "nginx.conf");
        File.WriteAllText(conf, NginxConfig.Render(dir, port, Environment.IsPrivilegedProcess,
            File.Exists("/etc/nginx/mime.types") ? "/etc/nginx/mime.types" : null));

        // -e: errors before the config is read go to stderr too, not /var/log/nginx/error.log.
        List<string> argv = ["nginx", "-e", "stderr", "-p", dir + "/"];
        if (!customConfig) argv.AddRange(["-c", conf]);
        argv.AddRange(["-g", string.Join(" ", directives)]);
        argv.AddRange(passThrough);
        Console.Out.Flush();
        Console.Error.Flush();
        execv(nginx, [.. argv, null]);
        Console.Error.WriteLine($"exec {nginx}: {Marshal.GetLastPInvokeErrorMessage()}");
        return 126;
    }

    static string Resource(string page)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("nginx." + page)!;
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>Folders of nginx containers whose process is gone (exec leaves nobody to clean up after nginx).</summary>
    static void RemoveStaleFolders()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder)[FolderPrefix.Length..], out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try { Directory.Delete(folder, recursive: true); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execv(string path, string?[] argv);
}
