import CGit2
import Foundation
import Synchronization

/// A bare mirror of one remote repository in a local directory: cloned on the first fetch,
/// fetched incrementally after (every branch and tag, force-updated and pruned), and read
/// straight from its object database, without a work tree.
///
/// Sendable: the URL and directory are immutable, and the only mutable state (the fetch in
/// flight per directory, a lock per directory) is process-wide behind `Mutex`es. Fetches run
/// on a dedicated thread; concurrent `fetch` calls for one directory share a single fetch,
/// even from different `GitMirror` values, and fetches into one directory never overlap.
/// Reads open their own libgit2 handle per call, so they may run concurrently with each
/// other and with a fetch. Keep other processes out of the directory.
public final class GitMirror: Sendable {
  /// The remote's URL with any `user:password@` removed, safe to show.
  public let displayURL: String
  /// The mirror's directory (a bare repository once cloned).
  public let directory: String
  private let url: String
  /// The fetch running for each mirror directory in this process, shared by every
  /// `GitMirror` value for that directory.
  private static let inFlight = Mutex<[String: SharedFetch]>([:])

  /// A mirror of `url` in `directory`. Credentials embedded in `url` are used by libgit2
  /// but never shown; prefer passing `GitCredentials` to `fetch`.
  public init(url: String, directory: String) {
    self.url = url
    self.displayURL = GitRedaction.scrubURLs(url)
    self.directory = directory
  }

  /// A mirror of `url` in `parentDirectory/<directoryName(for: url)>`.
  public convenience init(url: String, parentDirectory: String) {
    let parent =
      parentDirectory.hasSuffix("/") ? String(parentDirectory.dropLast()) : parentDirectory
    self.init(url: url, directory: parent + "/" + Self.directoryName(for: url))
  }

  /// A stable directory name for a URL: the SHA-1 of the URL without credentials, so a
  /// changed password keeps the mirror and a changed URL gets a fresh one.
  public static func directoryName(for url: String) -> String {
    LibGit2.ensureInitialized()
    var oid = git_oid()
    let bytes = Array(GitRedaction.scrubURLs(url).utf8)
    _ = bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }
    return oid.hex
  }

  /// Whether the first clone has completed.
  public var isCloned: Bool {
    FileManager.default.fileExists(atPath: directory + "/HEAD")
  }

  // MARK: Fetch

  /// Clones the mirror if it does not exist yet, otherwise fetches what changed. Branches and
  /// tags are force-updated (a force-push is followed) and pruned when deleted remotely.
  ///
  /// Throws `GitError` classified as `.authenticationFailed`, `.unreachable`, `.notFound`,
  /// `.timedOut`, `.cancelled` or `.other`. If a fetch is already running on this mirror,
  /// this call waits for it and shares its result. Cancelling the calling task abandons the
  /// wait, and aborts the fetch if no other caller is waiting for it.
  @discardableResult
  public func fetch(credentials: GitCredentials = .none, timeout: Duration = .seconds(120))
    async throws -> GitFetchSummary
  {
    let directory = directory
    let shared: SharedFetch = Self.inFlight.withLock { running in
      if let current = running[directory], !current.cancel.isCancelled, current.join() {
        return current
      }
      let fresh = SharedFetch()
      running[directory] = fresh
      return fresh
    }
    if shared.start() {
      let url = url
      let display = displayURL
      let work = Task {
        let result: Result<GitFetchSummary, Error>
        do {
          result = .success(
            try await DetachedWork.run(
              timeout: timeout, cancel: shared.cancel, describe: "fetch \(display)"
            ) {
              try Self.fetchOrClone(
                url: url, directory: directory, credentials: credentials, cancel: shared.cancel)
            })
        } catch {
          result = .failure(error)
        }
        Self.inFlight.withLock { running in
          if running[directory] === shared { running[directory] = nil }
        }
        shared.complete(result)
      }
      shared.attach(work)
    }
    return try await shared.wait()
  }

  /// Per-directory locks, so two `GitMirror` values for one directory never fetch into it at
  /// once (libgit2 would fail on the reference lock files). Never removed: one small object
  /// per mirrored repository.
  private static let directoryLocks = Mutex<[String: DirectoryLock]>([:])

  private static func lock(for directory: String) -> DirectoryLock {
    directoryLocks.withLock { locks in
      if let lock = locks[directory] { return lock }
      let lock = DirectoryLock()
      locks[directory] = lock
      return lock
    }
  }

  /// Runs on the fetch thread.
  private static func fetchOrClone(
    url: String, directory: String, credentials: GitCredentials, cancel: CancelFlag
  ) throws -> GitFetchSummary {
    try lock(for: directory).mutex.withLock { _ in
      if cancel.isCancelled {
        throw GitError(.cancelled, "fetch \(GitRedaction.scrubURLs(url)): cancelled")
      }
      let fileManager = FileManager.default
      let cloned = !fileManager.fileExists(atPath: directory + "/HEAD")
      // A first clone goes to a temporary directory renamed into place once complete, so a
      // failed or interrupted clone never leaves a half-made mirror behind.
      let target = cloned ? directory + ".tmp-\(UUID().uuidString)" : directory
      if cloned {
        let parent = (directory as NSString).deletingLastPathComponent
        try? fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
      }
      do {
        let repository =
          cloned ? try Repository.create(at: target) : try Repository.open(at: target)
        let context = FetchContext(credentials: credentials, cancel: cancel, url: url)
        let (objects, bytes) = try repository.fetch(url: url, context: context)
        if cloned {
          try? fileManager.removeItem(atPath: directory)
          do {
            try fileManager.moveItem(atPath: target, toPath: directory)
          } catch {
            throw GitError(.other, "could not move the new mirror into \(directory): \(error)")
          }
        }
        return GitFetchSummary(
          cloned: cloned, updatedReferences: context.updatedReferences, receivedObjects: objects,
          receivedBytes: bytes)
      } catch {
        if cloned { try? fileManager.removeItem(atPath: target) }
        throw error
      }
    }
  }

  // MARK: Reads

  /// Resolves a branch, tag (peeled), reference name or commit SHA to a commit.
  /// Throws `.refNotFound` if it does not exist, `.notFound` if the mirror does not.
  public func resolve(_ reference: GitReference) throws -> GitRevision {
    try open().resolve(reference)
  }

  /// Every file under `path` (relative to the repository root; empty for the root) at the
  /// commit `sha` (40 hex digits) that `filter` accepts, with bytes and blob ids.
  /// Throws `.notFound` if the path does not exist or is not a directory.
  ///
  /// `known` maps paths to the blob ids whose bytes the caller already holds: a file whose
  /// blob is the one named there comes with empty `content` instead of being read.
  public func snapshot(
    commit sha: String, path: String = "", filter: GitFileFilter = .manifests,
    known: [String: String] = [:]
  ) throws -> GitTreeSnapshot {
    try open().snapshot(commitSHA: sha, path: path, filter: filter, known: known)
  }

  /// The id of the tree at `path` in commit `sha`, to skip work when it has not changed.
  public func treeID(commit sha: String, path: String = "") throws -> String {
    try open().treeID(commitSHA: sha, path: path)
  }

  /// The bytes of the blob with the full hexadecimal id `id`.
  public func blob(_ id: String) throws -> [UInt8] {
    try open().blob(hex: id)
  }

  private func open() throws -> Repository {
    guard isCloned else {
      throw GitError(.notFound, "the mirror of \(displayURL) has not been cloned yet")
    }
    return try Repository.open(at: directory)
  }
}

/// A process-wide lock for one mirror directory, held by the thread that fetches into it.
private final class DirectoryLock: Sendable {
  let mutex = Mutex<Void>(())
}
