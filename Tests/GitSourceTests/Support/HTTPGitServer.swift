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

  static let script = GitHTTPBackendScript.source

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
