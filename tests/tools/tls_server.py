"""Loopback servers for the TLS tests; each prints its port on the first line of stdout.

  tls_server.py sts CERT KEY LOG   an HTTPS server (HTTP/1.1, keep-alive) answering AssumeRole
                               with made-up credentials and any other POST with a GetCallerIdentity
                               result (the STS XML), with the certificate CERT; LOG gets a line
                               `connection` per TCP connection and the action of each request
  tls_server.py proxy LOG      an HTTP CONNECT proxy; each CONNECT target is appended to LOG
"""

import http.server
import select
import socket
import ssl
import sys
import threading

IDENTITY = b"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/tls</Arn><UserId>AIDATLS</UserId>
<Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>tls-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""


ASSUMED = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<AssumedRoleUser><AssumedRoleId>AROATLS:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/{role}/s</Arn></AssumedRoleUser>
<Credentials><AccessKeyId>ASIATLS{n}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>
<ResponseMetadata><RequestId>tls-{n}</RequestId></ResponseMetadata></AssumeRoleResponse>"""
LOG = None
COUNT = [0]


def log(line):
    if LOG:
        with open(LOG, "a") as f:
            f.write(line + "\n")


class Sts(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        log("connection")

    def do_POST(self):
        from urllib.parse import parse_qs

        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        params = {k: v[0] for k, v in parse_qs(body).items()}
        action = params.get("Action", "?")
        log(action)
        if action == "AssumeRole":
            COUNT[0] += 1
            role = params.get("RoleArn", "").rsplit("/", 1)[-1]
            answer = ASSUMED.format(role=role, n=COUNT[0]).encode()
        else:
            answer = IDENTITY
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def serve_sts(cert, key):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sts)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def pipe(a, b):
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [], 10)
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)
    except OSError:
        pass
    finally:
        a.close()
        b.close()


def handle_proxy(client, log):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = client.recv(4096)
        if not chunk:
            client.close()
            return
        head += chunk
    line = head.split(b"\r\n", 1)[0].decode()
    method, target, _ = line.split(" ", 2)
    if method != "CONNECT":
        client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
        client.close()
        return
    with open(log, "a") as f:
        f.write(target + "\n")
    host, port = target.rsplit(":", 1)
    upstream = socket.create_connection((host, int(port)), timeout=10)
    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    pipe(client, upstream)


def serve_proxy(log):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=handle_proxy, args=(client, log), daemon=True).start()


if sys.argv[1] == "sts":
    LOG = sys.argv[4] if len(sys.argv) > 4 else None
    serve_sts(sys.argv[2], sys.argv[3])
else:
    serve_proxy(sys.argv[2])
