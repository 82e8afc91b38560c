#!/usr/bin/python3
"""Debian's python3-kubernetes client against a podway cluster, one call per subcommand (KUBECONFIG from the env).

  watch NS        print the name of the first Pod ADDED in NS (create one after "watching" is printed)
  logs NS POD     follow the Pod's log and print its first 5 lines
  exec NS POD     run `head -n 1 | tr a-z A-Z` with stdin "hello from python", print its output, then "exit=CODE"
  forward NS POD  port-forward to port 80 and print the first line of the HTTP answer to GET /
"""
import sys
from kubernetes import client, config, watch
from kubernetes.stream import stream, portforward

config.load_kube_config()
v1 = client.CoreV1Api()
what, ns = sys.argv[1], sys.argv[2]

if what == "watch":
    w = watch.Watch()
    print("watching", flush=True)
    for event in w.stream(v1.list_namespaced_pod, namespace=ns, timeout_seconds=60):
        if event["type"] == "ADDED":
            print(event["object"].metadata.name, flush=True)
            w.stop()
elif what == "logs":
    lines = v1.read_namespaced_pod_log(name=sys.argv[3], namespace=ns, follow=True, _preload_content=False)
    count = 0
    for line in lines.stream():
        for text in line.decode().splitlines():
            print(text, flush=True)
            count += 1
        if count >= 5:
            break
elif what == "exec":
    # The command ends by itself after one line of stdin; the client must then see the status and the close.
    resp = stream(v1.connect_get_namespaced_pod_exec, sys.argv[3], ns, command=["sh", "-c", "head -n 1 | tr a-z A-Z"],
                  stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
    resp.write_stdin("hello from python\n")
    out = ""
    while resp.is_open():
        resp.update(timeout=1)
        out += resp.read_stdout()
    out += resp.read_stdout()
    print(out, end="", flush=True)
    print("exit=%s" % resp.returncode, flush=True)
elif what == "forward":
    pf = portforward(v1.connect_get_namespaced_pod_portforward, sys.argv[3], ns, ports="80")
    sock = pf.socket(80)
    sock.setblocking(True)
    sock.sendall(b"GET / HTTP/1.0\r\nHost: web\r\n\r\n")
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    print(data.split(b"\r\n")[0].decode(), flush=True)
    sock.close()
    pf.close()
else:
    sys.exit("unknown subcommand " + what)
