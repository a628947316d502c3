import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A real `git daemon` serving every repository under a directory on 127.0.0.1.
final class GitDaemon {
  private var process: Subprocess?
  let port: Int

  init(basePath: String) throws {
    // Bind-then-close picks a free port; the daemon takes it over (a tiny race is possible).
    port = try LocalSocket.closedPort()
    // The daemon binary itself, not `git daemon`: the `git` wrapper would run it as a child
    // that outlives a kill of the wrapper.
    let execPath = try GitCLI.run(["--exec-path"], in: basePath)
    process = try Subprocess(
      execPath + "/git-daemon",
      [
        "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)",
        "--base-path=\(basePath)", basePath,
      ], environment: GitCLI.environment)
    do {
      try LocalSocket.waitUntilListening(port: port)
    } catch {
      stop()
      throw error
    }
  }

  func url(_ repository: String) -> String { "git://127.0.0.1:\(port)/\(repository)" }

  func stop() {
    process?.kill()
    process = nil
  }
}
