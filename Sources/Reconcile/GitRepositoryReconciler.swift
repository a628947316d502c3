import Foundation
import GitSource
import Logging
import Objects
import Store

/// Fetches a GitRepository's bare mirror (one per URL under `dataDir/git`, shared by every
/// Sync reading it), resolves its ref, and records the artifact revision and commit in its
/// status, or why it could not, without ever showing credentials.
public struct GitRepositoryReconciler: Sendable {
  public let store: SQLiteStore
  public let mirrorsDirectory: String
  public let logger: Logger

  public static let repositories = GroupResource(
    group: "gitops.mooring.dev", resource: "gitrepositories")

  public init(store: SQLiteStore, mirrorsDirectory: String, logger: Logger) {
    self.store = store
    self.mirrorsDirectory = mirrorsDirectory
    self.logger = logger
  }

  /// The mirror of `repository`'s URL.
  public func mirror(for repository: Object) -> GitMirror? {
    guard let url = repository.spec?["url"]?.stringValue, !url.isEmpty else { return nil }
    return GitMirror(url: url, parentDirectory: mirrorsDirectory)
  }

  /// The reference `spec.ref` names: `{branch|tag|commit|name: ...}` or a plain string;
  /// `main` when absent.
  static func reference(_ spec: Value?) -> GitReference {
    if let text = spec?["ref"]?.stringValue { return GitReference(parsing: text) }
    let ref = spec?["ref"]
    if let commit = ref?["commit"]?.stringValue { return GitReference(parsing: commit) }
    if let tag = ref?["tag"]?.stringValue { return GitReference(parsing: "refs/tags/\(tag)") }
    if let name = ref?["name"]?.stringValue { return GitReference(parsing: name) }
    return GitReference(parsing: ref?["branch"]?.stringValue ?? "main")
  }

  /// Fetches and resolves; returns the artifact revision on success.
  @discardableResult
  public func reconcile(_ repository: Object) async -> String? {
    guard let mirror = mirror(for: repository) else {
      await write(
        repository, revision: nil, commit: nil,
        failure: ("GitOperationFailed", "spec.url: Required value"))
      return nil
    }
    let timeout = Duration.seconds(parsing: repository.spec?["timeout"]?.stringValue ?? "") ?? 60
    do {
      let started = ContinuousClock.now
      let credentials = try await credentials(for: repository)
      let summary = try await mirror.fetch(credentials: credentials, timeout: .seconds(timeout))
      let revision = try mirror.resolve(Self.reference(repository.spec))
      let fetched = ContinuousClock.now - started
      await write(repository, revision: revision, commit: revision.commit, failure: nil)
      if summary.cloned || !summary.updatedReferences.isEmpty {
        logger.info(
          "fetched",
          metadata: [
            "repository": "\(repository.namespace ?? "")/\(repository.name ?? "")",
            "revision": "\(revision.artifactRevision)", "fetchMs": "\(fetched.milliseconds)",
            "objects": "\(summary.receivedObjects)",
          ])
      }
      return revision.artifactRevision
    } catch let error as GitError {
      let reason: String
      switch error.kind {
      case .authenticationFailed: reason = "AuthenticationFailed"
      case .refNotFound: reason = "RefNotFound"
      default: reason = "GitOperationFailed"
      }
      logger.warning(
        "fetch failed",
        metadata: [
          "repository": "\(repository.namespace ?? "")/\(repository.name ?? "")",
          "error": "\(error)",
        ])
      await write(repository, revision: nil, commit: nil, failure: (reason, error.description))
      return nil
    } catch {
      await write(
        repository, revision: nil, commit: nil, failure: ("GitOperationFailed", "\(error)"))
      return nil
    }
  }

  /// Credentials from the Secret `spec.secretRef.name` in the repository's namespace.
  func credentials(for repository: Object) async throws -> GitCredentials {
    guard let name = repository.spec?["secretRef"]?["name"]?.stringValue else { return .none }
    let key = ObjectKey(
      GroupResource(group: "", resource: "secrets"), namespace: repository.namespace, name: name)
    guard let secret = try? await store.get(key) else {
      throw GitError(
        .authenticationFailed, "secret \(repository.namespace ?? "")/\(name) not found")
    }
    func field(_ k: String) -> String? {
      if let s = secret.value["stringData"]?[k]?.stringValue { return s }
      if let b = secret.value["data"]?[k]?.stringValue, let d = Data(base64Encoded: b) {
        return String(decoding: d, as: UTF8.self)
      }
      return nil
    }
    if let identity = field("identity") {
      return .ssh(privateKey: identity, knownHosts: field("known_hosts"))
    }
    if let password = field("password") {
      return .basic(username: field("username") ?? "git", password: password)
    }
    if let token = field("bearerToken") ?? field("token") { return .token(token) }
    return .none
  }

  private func write(
    _ repository: Object, revision: GitRevision?, commit: GitCommit?, failure: (String, String)?
  ) async {
    let key = ObjectKey(
      Self.repositories, namespace: repository.namespace, name: repository.name ?? "")
    guard var current = try? await store.get(key) else { return }
    let old = current.status ?? .map(ValueMap())
    var status = old
    let now = StatusTime.now()
    status["observedGeneration"] = current.generation.map(Value.int)
    status["lastFetchTime"] = .string(now)
    if let requested = current.annotations[SyncLabels.requestedAt] {
      status["lastHandledReconcileAt"] = .string(requested)
    }
    if let revision, let commit {
      status["artifact"] = [
        "revision": .string(revision.artifactRevision),
        "commit": [
          "sha": .string(commit.sha),
          "author": .string("\(commit.author.name) <\(commit.author.email)>"),
          "message": .string(commit.summary),
          "time": .string(Timestamp.string(Double(commit.author.time))),
        ],
      ]
      Conditions.set(
        &status, "Ready", true, "Succeeded",
        "stored artifact for revision '\(revision.artifactRevision)'", now)
      Conditions.remove(&status, "Stalled")
    } else if let (reason, message) = failure {
      Conditions.set(&status, "Ready", false, reason, message, now)
    }
    Conditions.remove(&status, "Reconciling")
    current.status = status
    _ = try? await store.updateStatus(
      current,
      context: WriteContext(actor: "system:mooring:source-controller", source: "controller"))
  }
}
