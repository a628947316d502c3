import Foundation
import Objects
import Store
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Shared pieces of the end-to-end Sync tests: a private temporary directory, repositories
/// built and pushed with the git command line, `git daemon` and `git http-backend` servers
/// on 127.0.0.1, a `mooring serve` process, and polling of the store it writes.

/// A temporary directory of one test, removed at the end.
struct ScenarioDirectory {
  let path: String

  init(_ prefix: String) throws {
    path = NSTemporaryDirectory() + "mooring-\(prefix)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Removes the directory, unless MOORING_KEEP_TEST_DIRECTORIES is set (for debugging).
  func remove() {
    if ProcessInfo.processInfo.environment["MOORING_KEEP_TEST_DIRECTORIES"] != nil {
      print("kept \(path)")
      return
    }
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// The git command line (shared with GitSourceTests).
typealias GitCommand = GitCLI

/// A repository served from `ROOT/served/NAME.git`, edited in `ROOT/work/NAME` and pushed
/// with the git command line.
struct GitWorkspace {
  let name: String
  let bare: String
  let work: String

  init(root: String, name: String) throws {
    self.name = name
    bare = root + "/served/\(name).git"
    work = root + "/work/\(name)"
    try FileManager.default.createDirectory(
      atPath: root + "/served", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try GitCommand.run(["init", "-q", "--bare", "-b", "main", bare], in: root)
    try GitCommand.run(["init", "-q", "-b", "main", work], in: root)
  }

  /// Writes `text` (plus a final newline) to `path` in the work tree.
  func write(_ path: String, _ text: String) throws {
    let full = work + "/" + path
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try (text + "\n").write(toFile: full, atomically: true, encoding: .utf8)
  }

  func remove(_ path: String) throws {
    try FileManager.default.removeItem(atPath: work + "/" + path)
  }

  @discardableResult
  func git(_ arguments: [String]) throws -> String {
    try GitCommand.run(arguments, in: work)
  }

  /// Commits everything and pushes `main`; returns the new commit.
  @discardableResult
  func commit(_ message: String) throws -> String {
    try git(["add", "-A"])
    try git(["commit", "-q", "-m", message])
    try git(["push", "-q", bare, "main"])
    return try head()
  }

  func head() throws -> String { try git(["rev-parse", "HEAD"]) }

  /// The artifact revision a GitRepository on `main` reports for `commit`.
  static func revision(_ commit: String) -> String { "main@sha1:\(commit)" }
}

/// TCP ports on 127.0.0.1 (over TestSupport's LocalSocket).
enum LocalPort {
  /// A port nothing listens on now.
  static func free() throws -> Int { try LocalSocket.closedPort() }

  /// Whether something accepts connections on 127.0.0.1:`port`.
  static func accepts(_ port: Int) -> Bool { LocalSocket.accepts(port: port) }

  /// Waits (at most 10 s) until something listens on `port`.
  static func waitUntilListening(_ port: Int) async throws {
    for _ in 0..<200 {
      if accepts(port) { return }
      try await Task.sleep(for: .milliseconds(50))
    }
    throw SubprocessError(description: "nothing listens on 127.0.0.1:\(port)")
  }
}

/// `git daemon` serving every repository under a directory on 127.0.0.1.
final class GitDaemonServer {
  private var process: Subprocess?
  let port: Int

  init(basePath: String) async throws {
    try FileManager.default.createDirectory(atPath: basePath, withIntermediateDirectories: true)
    port = try LocalPort.free()
    // The daemon binary itself, not `git daemon`: the `git` wrapper would run it as a child
    // that outlives a kill of the wrapper.
    let execPath = try GitCommand.run(["--exec-path"], in: basePath)
    let process = try Subprocess(
      execPath + "/git-daemon",
      [
        "--reuseaddr", "--export-all", "--listen=127.0.0.1", "--port=\(port)",
        "--base-path=\(basePath)", basePath,
      ], environment: GitCommand.environment)
    self.process = process
    do {
      try await LocalPort.waitUntilListening(port)
    } catch {
      stop()
      throw error
    }
  }

  func url(_ repository: String) -> String { "git://127.0.0.1:\(port)/\(repository).git" }

  func stop() {
    process?.kill()
    process = nil
  }

  deinit { process?.kill() }
}

/// A real `git http-backend` behind a small Python HTTP server on 127.0.0.1, optionally
/// requiring HTTP basic authentication; it can be stopped and started again on its port.
final class HTTPGitBackend {
  private var process: Subprocess?
  let root: String
  let directory: String
  let basicAuth: String?
  private(set) var port: Int

  static let script = GitHTTPBackendScript.source

  /// Serves the repositories under `root`; `basicAuth` is `user:password` or nil.
  init(root: String, directory: String, basicAuth: String? = nil) async throws {
    self.root = root
    self.directory = directory
    self.basicAuth = basicAuth
    port = 0
    try Data(Self.script.utf8).write(to: URL(fileURLWithPath: directory + "/git-http.py"))
    try await start()
  }

  /// Starts the server (again), on its previous port when it had one.
  func start() async throws {
    let portFile = directory + "/git-http.port"
    try? FileManager.default.removeItem(atPath: portFile)
    let process = try Subprocess(
      "/usr/bin/python3",
      [directory + "/git-http.py", root, basicAuth ?? "", portFile, "\(port)"],
      environment: GitCommand.environment, standardError: directory + "/git-http.log")
    self.process = process
    for _ in 0..<200 {
      if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let bound = Int(text) {
        port = bound
        try await LocalPort.waitUntilListening(bound)
        return
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    stop()
    throw SubprocessError(description: "the HTTP git server did not start")
  }

  func url(_ repository: String) -> String { "http://127.0.0.1:\(port)/\(repository).git" }

  func stop() {
    process?.kill()
    process = nil
  }

  deinit { process?.kill() }
}

/// A `mooring serve` process on a data directory, bootstrapped from a platform repository,
/// logging JSON to a file.
final class MooringDaemon {
  let dataDirectory: String
  let log: String
  private var process: Subprocess?

  var storePath: String { dataDirectory + "/store.db" }

  init(
    dataDirectory: String, log: String, bootstrap: String, bootstrapPath: String = "",
    interval: String = "1s"
  ) throws {
    self.dataDirectory = dataDirectory
    self.log = log
    var arguments = [
      "serve", "--data-dir", dataDirectory, "--bootstrap", bootstrap,
      "--bootstrap-interval", interval, "--log-format", "json",
      // The API (TLS by default) on a port of its own, so daemons of tests running at the
      // same time never compete for one.
      "--listen", "127.0.0.1:0",
    ]
    if !bootstrapPath.isEmpty { arguments += ["--bootstrap-path", bootstrapPath] }
    process = try Subprocess(
      MooringProcess.binary, arguments, environment: ProcessInfo.processInfo.environment,
      standardError: log)
  }

  var pid: pid_t? { process?.pid }

  /// Opens the daemon's store from this process once the daemon created it.
  func openStore() async throws -> SQLiteStore {
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: storePath) {
      try await Task.sleep(for: .milliseconds(100))
    }
    try await Task.sleep(for: .milliseconds(200))
    var configuration = SQLiteStore.Configuration()
    configuration.automaticGarbageCollection = false
    return try SQLiteStore(path: storePath, configuration: configuration)
  }

  /// SIGTERM, then waits; returns the exit status.
  @discardableResult
  func terminate() -> Int32 {
    guard let process else { return -1 }
    self.process = nil
    Glibc.kill(process.pid, SIGTERM)
    return process.wait()
  }

  /// SIGKILL, then waits; returns the exit status (128 + 9).
  @discardableResult
  func kill() -> Int32 {
    guard let process else { return -1 }
    self.process = nil
    Glibc.kill(process.pid, SIGKILL)
    return process.wait()
  }

  /// The log written so far.
  func logText() -> String {
    (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
  }

  deinit { kill() }
}

/// `mooring ARGS...` run to completion, its output captured through files.
enum MooringCommand {
  static func run(_ arguments: [String]) throws -> MooringProcess.Result {
    let output = NSTemporaryDirectory() + "mooring-cli-" + UUID().uuidString
    defer {
      try? FileManager.default.removeItem(atPath: output + ".out")
      try? FileManager.default.removeItem(atPath: output + ".err")
    }
    let process = try Subprocess(
      MooringProcess.binary, arguments, environment: ProcessInfo.processInfo.environment,
      standardOutput: output + ".out", standardError: output + ".err")
    let status = process.wait()
    return MooringProcess.Result(
      status: status,
      stdout: String(
        decoding: FileManager.default.contents(atPath: output + ".out") ?? Data(), as: UTF8.self),
      stderr: String(
        decoding: FileManager.default.contents(atPath: output + ".err") ?? Data(), as: UTF8.self))
  }
}

/// Resources and keys the tests read.
enum Resources {
  static let syncs = GroupResource(group: "gitops.mooring.dev", resource: "syncs")
  static let gitRepositories = GroupResource(
    group: "gitops.mooring.dev", resource: "gitrepositories")
  static let configMaps = GroupResource(group: "", resource: "configmaps")
  static let secrets = GroupResource(group: "", resource: "secrets")
  static let namespaces = GroupResource(group: "", resource: "namespaces")

  static func sync(_ namespace: String, _ name: String) -> ObjectKey {
    ObjectKey(syncs, namespace: namespace, name: name)
  }
  static func gitRepository(_ namespace: String, _ name: String) -> ObjectKey {
    ObjectKey(gitRepositories, namespace: namespace, name: name)
  }
  static func configMap(_ namespace: String, _ name: String) -> ObjectKey {
    ObjectKey(configMaps, namespace: namespace, name: name)
  }
  /// The bootstrap Sync and GitRepository.
  static let platformSync = sync("mooring-system", "platform")
  static let platformRepository = gitRepository("mooring-system", "platform")
}

/// Polling the store.
enum Poll {
  /// Polls every 100 ms until `condition` holds for the object at `key` (at most
  /// `seconds`); records an issue with the last state seen and throws on timeout.
  @discardableResult
  static func until(
    _ store: SQLiteStore, _ key: ObjectKey, seconds: Double = 20,
    sourceLocation: SourceLocation = #_sourceLocation, _ condition: (Object) -> Bool
  ) async throws -> Object {
    var last: Object?
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if let object = try? await store.get(key) {
        last = object
        if condition(object) { return object }
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record(
      "timed out waiting for \(key.name); last state: \(last.map { JSON.encode($0.value) } ?? "none")",
      sourceLocation: sourceLocation)
    throw StoreError.notFound(key)
  }

  /// Polls until `condition` holds (at most `seconds`); false on timeout.
  static func until(seconds: Double = 20, _ condition: () async throws -> Bool) async throws
    -> Bool
  {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try await condition() { return true }
      try await Task.sleep(for: .milliseconds(100))
    }
    return false
  }
}

extension Object {
  /// The condition of `type` in status.conditions.
  func condition(_ type: String) -> Value? {
    value[path: "status.conditions"]?.listValue?.first { $0["type"]?.stringValue == type }
  }

  var lastAppliedRevision: String? { value[path: "status.lastAppliedRevision"]?.stringValue }
  var lastAttemptedRevision: String? {
    value[path: "status.lastAttemptedRevision"]?.stringValue
  }
}
