import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A real `git http-backend` behind a small Python HTTP server on 127.0.0.1, optionally
/// requiring HTTP basic authentication.
final class HTTPGitServer {
  private var process: Subprocess?
  let port: Int

  static let script = #"""
    import base64, os, subprocess, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    root = sys.argv[1]
    auth = sys.argv[2]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.serve()

        def do_POST(self):
            self.serve()

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return data
                    data += self.rfile.read(size)
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def serve(self):
            if auth:
                expected = "Basic " + base64.b64encode(auth.encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            path, _, query = self.path.partition("?")
            body = self.body()
            env = dict(os.environ)
            env.update(GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                       QUERY_STRING=query, REQUEST_METHOD=self.command,
                       CONTENT_TYPE=self.headers.get("Content-Type", ""),
                       CONTENT_LENGTH=str(len(body)), REMOTE_ADDR="127.0.0.1")
            out = subprocess.run(["git", "http-backend"], input=body, env=env,
                                 capture_output=True).stdout
            sep = out.find(b"\r\n\r\n")
            head, rest = (out[:sep], out[sep + 4:]) if sep >= 0 else (b"", out)
            status, headers = 200, []
            for line in head.split(b"\r\n"):
                key, _, value = line.decode().partition(":")
                if key.lower() == "status":
                    status = int(value.strip().split()[0])
                elif key:
                    headers.append((key, value.strip()))
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(rest)))
            self.end_headers()
            self.wfile.write(rest)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[3] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(sys.argv[3] + ".tmp", sys.argv[3])
    server.serve_forever()
    """#

  /// Serves the repositories under `root`; `basicAuth` is `user:password` or nil.
  init(root: String, scriptDirectory: String, basicAuth: String? = nil) throws {
    let scriptPath = scriptDirectory + "/git-http-server.py"
    try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
    let portFile = scriptDirectory + "/git-http-server.port"
    let process = try Subprocess(
      "/usr/bin/python3", [scriptPath, root, basicAuth ?? "", portFile],
      environment: GitCLI.environment)
    self.process = process
    var port: Int?
    let deadline = Date().addingTimeInterval(10)
    while port == nil && Date() < deadline {
      port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
      if port == nil { usleep(20_000) }
    }
    guard let port else {
      process.kill()
      throw GitCLI.Failure(description: "the HTTP git server did not start")
    }
    self.port = port
  }

  func url(_ repository: String, userInfo: String? = nil) -> String {
    "http://\(userInfo.map { $0 + "@" } ?? "")127.0.0.1:\(port)/\(repository)"
  }

  func stop() {
    process?.kill()
    process = nil
  }
}
