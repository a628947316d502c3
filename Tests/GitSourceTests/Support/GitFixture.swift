import Foundation
import TestSupport

/// A remote built with the git CLI: a bare repository `srv/repo.git` (what the mirror
/// fetches) and a work tree `work` that commits and pushes to it.
final class GitFixture {
  let temporary: TemporaryDirectory
  var root: String { temporary.path }
  /// Directory holding served repositories (the daemon's and HTTP server's base path).
  var served: String { root + "/srv" }
  /// The bare remote repository.
  var bare: String { served + "/repo.git" }
  var work: String { root + "/work" }
  /// Where mirrors go.
  var mirrors: String { root + "/mirrors" }
  private var tick = 0

  init() throws {
    temporary = try TemporaryDirectory()
    try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
    try GitCLI.run(["init", "-q", "--bare", "-b", "main", bare], in: root)
    try GitCLI.run(["init", "-q", "-b", "main", work], in: root)
    try git("remote", "add", "origin", bare)
  }

  func remove() { temporary.remove() }

  @discardableResult
  func git(_ arguments: String...) throws -> String {
    try GitCLI.run(arguments, in: work)
  }

  func write(_ path: String, _ content: String) throws {
    let url = URL(fileURLWithPath: work + "/" + path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(content.utf8).write(to: url)
  }

  func delete(_ path: String) throws {
    try FileManager.default.removeItem(atPath: work + "/" + path)
  }

  /// Commits everything with a deterministic, increasing date; returns the SHA.
  @discardableResult
  func commit(_ message: String) throws -> String {
    tick += 1
    let date = "\(1_700_000_000 + tick * 60) +0200"
    try GitCLI.run(["add", "-A"], in: work)
    try GitCLI.run(
      ["commit", "-q", "--allow-empty", "-m", message], in: work,
      environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
    return try git("rev-parse", "HEAD")
  }

  /// Pushes HEAD to `branch` on the bare remote, forcing.
  func push(_ branch: String = "main") throws {
    try git("push", "-q", "-f", "origin", "HEAD:refs/heads/\(branch)")
  }

  func pushTags() throws {
    try git("push", "-q", "-f", "origin", "--tags")
  }
}
