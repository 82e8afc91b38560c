using System.Diagnostics;

namespace Podway.Proxy.Tests.Kernel;

/// <summary>
/// A throwaway network of namespaces for real-nft tests, named after a test cluster (podway-NAME-*, pwNAME-*):
/// a node namespace (the proxy's table lives there) with a Pod bridge 10.244.0.1/24, Pods p1 (10.244.0.5) and
/// p2 (10.244.0.6) running tiny TCP/UDP servers, a client Pod c (10.244.0.9), and an "outside" namespace x
/// (192.168.0.100) on a link to the node IP 192.168.0.2 for NodePort traffic. Everything is removed on dispose.
/// </summary>
public sealed class KernelLab : IAsyncLifetime
{
    public string Name { get; } = "px" + Guid.NewGuid().ToString("N")[..5];
    public string NodeNs => $"podway-{Name}-node";
    public string Ns(string pod) => $"podway-{Name}-{pod}";
    public string Table => $"podway-{Name}";
    public const string NodeIp = "192.168.0.2";
    public const string OutsideIp = "192.168.0.100";
    public static bool Available => Environment.UserName == "root" && File.Exists("/usr/sbin/nft") || File.Exists("/sbin/nft");

    readonly List<Process> _servers = [];
    string _scripts = "";

    public async Task InitializeAsync()
    {
        _scripts = Directory.CreateTempSubdirectory("podway-proxy-lab-").FullName;
        File.WriteAllText(Path.Combine(_scripts, "server.py"), ServerPy);
        File.WriteAllText(Path.Combine(_scripts, "client.py"), ClientPy);
        File.WriteAllText(Path.Combine(_scripts, "burst.py"), BurstPy);
        Sh($"ip netns add {NodeNs}");
        Sh($"ip -n {NodeNs} link set lo up");
        Sh($"ip -n {NodeNs} link add pw{Name}-br type bridge");
        Sh($"ip -n {NodeNs} addr add 10.244.0.1/24 dev pw{Name}-br");
        Sh($"ip -n {NodeNs} link set pw{Name}-br up");
        Sh($"ip netns exec {NodeNs} sysctl -qw net.ipv4.ip_forward=1");
        foreach (var (pod, ip) in new[] { ("p1", "10.244.0.5"), ("p2", "10.244.0.6"), ("c", "10.244.0.9") })
        {
            Sh($"ip netns add {Ns(pod)}");
            Sh($"ip -n {Ns(pod)} link set lo up");
            Sh($"ip -n {NodeNs} link add pw{Name}-{pod} type veth peer name eth0 netns {Ns(pod)}");
            Sh($"ip -n {NodeNs} link set pw{Name}-{pod} master pw{Name}-br up");
            // As the CNI bridge plugin's hairpinMode: a Pod reaching itself through its Service.
            Sh($"ip -n {NodeNs} link set pw{Name}-{pod} type bridge_slave hairpin on");
            Sh($"ip -n {Ns(pod)} addr add {ip}/24 dev eth0");
            Sh($"ip -n {Ns(pod)} link set eth0 up");
            Sh($"ip -n {Ns(pod)} route add default via 10.244.0.1");
        }
        Sh($"ip netns add {Ns("x")}");
        Sh($"ip -n {Ns("x")} link set lo up");
        Sh($"ip -n {NodeNs} link add pw{Name}-x type veth peer name eth0 netns {Ns("x")}");
        Sh($"ip -n {NodeNs} addr add {NodeIp}/24 dev pw{Name}-x");
        Sh($"ip -n {NodeNs} link set pw{Name}-x up");
        Sh($"ip -n {Ns("x")} addr add {OutsideIp}/24 dev eth0");
        Sh($"ip -n {Ns("x")} link set eth0 up");
        Sh($"ip -n {Ns("x")} route add 10.96.0.0/12 via {NodeIp}");
        // Like a real node's default route to the host: Service IPs are routable, the proxy's rules decide.
        Sh($"ip -n {NodeNs} route add default via {OutsideIp}");
        foreach (var pod in new[] { "p1", "p2" }) StartServer(pod);
        // Wait until both servers listen.
        for (var i = 0; i < 50 && !(Listening("p1") && Listening("p2")); i++) await Task.Delay(100);
    }

    void StartServer(string pod)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", Ns(pod), "python3", Path.Combine(_scripts, "server.py"), pod, "8080", "5353" }) psi.ArgumentList.Add(a);
        _servers.Add(Process.Start(psi)!);
    }

    bool Listening(string pod) => Run("ip", "netns", "exec", Ns(pod), "ss", "-ltn", "sport = :8080").Out.Contains("LISTEN");

    /// <summary>Connects from a namespace: "p1"/"p2" (the endpoint answering), "REFUSED", "TIMEOUT"; with holdFile, a second exchange after the file appears.</summary>
    public Task<(string Output, TimeSpan Took)> ConnectAsync(string fromPod, string ip, int port, string proto = "tcp", string? holdFile = null) =>
        Task.Run(() =>
        {
            var sw = Stopwatch.StartNew();
            var args = new List<string> { "netns", "exec", Ns(fromPod), "python3", Path.Combine(_scripts, "client.py"), proto, ip, port.ToString() };
            if (holdFile is not null) args.Add(holdFile);
            var r = Run("ip", [.. args]);
            return (r.Out.Trim(), sw.Elapsed);
        });

    /// <summary>
    /// <paramref name="count"/> TCP connects back to back from one namespace, each given 1 s, tallied by outcome:
    /// "REFUSED=50", or e.g. "REFUSED=6 TIMEOUT=44" when refusals stop coming.
    /// </summary>
    public Task<string> ConnectBurstAsync(string fromPod, string ip, int port, int count) =>
        Task.Run(() => Run("ip", "netns", "exec", Ns(fromPod), "python3", Path.Combine(_scripts, "burst.py"), ip, port.ToString(), count.ToString()).Out.Trim());

    public string HoldFile(string name) => Path.Combine(_scripts, name);

    public async Task DisposeAsync()
    {
        foreach (var p in _servers) { try { p.Kill(entireProcessTree: true); await p.WaitForExitAsync(); } catch (InvalidOperationException) { } }
        foreach (var ns in new[] { "c", "p1", "p2", "x" }.Select(Ns).Append(NodeNs)) Run("ip", "netns", "delete", ns);
        try { Directory.Delete(_scripts, recursive: true); } catch (IOException) { }
    }

    static void Sh(string command)
    {
        var parts = command.Split(' ');
        var r = Run(parts[0], parts[1..]);
        if (r.Code != 0) throw new InvalidOperationException($"{command}: {r.Err}");
    }

    public static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    const string ServerPy = """
        import socket, sys, threading
        name, tcp_port, udp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        def serve(conn):
            with conn:
                conn.sendall((name + "\n").encode())
                f = conn.makefile("rb")
                for line in f:
                    conn.sendall((name + ":" + line.decode().strip() + "\n").encode())
        def tcp():
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", tcp_port)); s.listen(64)
            while True:
                c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
        def udp():
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", udp_port))
            while True:
                data, addr = s.recvfrom(2048); s.sendto(name.encode(), addr)
        threading.Thread(target=udp, daemon=True).start()
        tcp()
        """;

    const string ClientPy = """
        import os, socket, sys, time
        proto, ip, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        hold = sys.argv[4] if len(sys.argv) > 4 else None
        try:
            if proto == "udp":
                # Connected, as `nc -u`: an ICMP port unreachable then fails the receive with ECONNREFUSED.
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); s.connect((ip, port))
                s.send(b"hi"); print(s.recv(2048).decode()); sys.exit(0)
            s = socket.create_connection((ip, port), timeout=3)
            f = s.makefile("rb")
            print(f.readline().decode().strip(), flush=True)
            if hold:
                while not os.path.exists(hold): time.sleep(0.05)
                s.sendall(b"again\n"); print(f.readline().decode().strip(), flush=True)
        except ConnectionRefusedError: print("REFUSED")
        except (socket.timeout, TimeoutError): print("TIMEOUT")
        except OSError as e: print("ERROR " + str(e))
        """;

    const string BurstPy = """
        import socket, sys
        ip, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        tally = {}
        for _ in range(count):
            try:
                socket.create_connection((ip, port), timeout=1).close(); outcome = "CONNECTED"
            except ConnectionRefusedError: outcome = "REFUSED"
            except (socket.timeout, TimeoutError): outcome = "TIMEOUT"
            except OSError: outcome = "ERROR"
            tally[outcome] = tally.get(outcome, 0) + 1
        print(" ".join(f"{k}={v}" for k, v in sorted(tally.items())))
        """;
}
