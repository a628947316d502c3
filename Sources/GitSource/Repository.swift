import CGit2
import Foundation

/// An open libgit2 repository handle, owned and freed by this object. Not shared between
/// threads: every operation opens its own (opening a bare repository is cheap), which is
/// libgit2's threading rule and also makes new packs from a concurrent fetch visible.
final class Repository {
  let handle: OpaquePointer
  let path: String

  private init(handle: OpaquePointer, path: String) {
    self.handle = handle
    self.path = path
  }

  deinit { git_repository_free(handle) }

  /// Opens the bare repository at `path`.
  static func open(at path: String) throws -> Repository {
    LibGit2.ensureInitialized()
    var handle: OpaquePointer?
    let code = git_repository_open_bare(&handle, path)
    guard code == 0, let handle else {
      throw GitError.fromLibgit2(code: code, operation: "open mirror \(path)")
    }
    return Repository(handle: handle, path: path)
  }

  /// Creates an empty bare repository at `path`, from an empty template: a mirror needs
  /// no description, sample hooks or exclude file, and with 1,000 mirrors every file made
  /// is time spent in the file system.
  static func create(at path: String) throws -> Repository {
    LibGit2.ensureInitialized()
    let template = emptyTemplate
    var handle: OpaquePointer?
    var options = git_repository_init_options()
    git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION))
    options.flags =
      GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
      | GIT_REPOSITORY_INIT_EXTERNAL_TEMPLATE.rawValue
    let code = template.withCString { t in
      options.template_path = t
      return git_repository_init_ext(&handle, path, &options)
    }
    guard code == 0, let handle else {
      throw GitError.fromLibgit2(code: code, operation: "create mirror \(path)")
    }
    return Repository(handle: handle, path: path)
  }

  // MARK: Fetch

  /// The refspecs of a mirror: every branch and tag, force-updated so rewritten history is
  /// followed.
  static let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]

  /// Fetches branches and tags from `url`, pruning those the remote no longer has.
  func fetch(url: String, context: FetchContext) throws -> (objects: Int, bytes: Int) {
    var remote: OpaquePointer?
    var code = git_remote_create_anonymous(&remote, handle, url)
    guard code == 0, let remote else {
      throw fetchError(code: code, url: url, context: context)
    }
    defer { git_remote_free(remote) }
    var options = git_fetch_options()
    git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
    options.prune = GIT_FETCH_PRUNE
    options.update_fetchhead = 0
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE  // the tag refspec fetches them all
    context.install(into: &options.callbacks)
    var strings: [UnsafeMutablePointer<CChar>?] = Self.refspecs.map { strdup($0) }
    defer { for string in strings { free(string) } }
    code = strings.withUnsafeMutableBufferPointer { buffer in
      var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
      return withExtendedLifetime(context) {
        git_remote_fetch(remote, &array, &options, "mooring: fetch")
      }
    }
    guard code == 0 else { throw fetchError(code: code, url: url, context: context) }
    let stats = git_remote_stats(remote)
    return (Int(stats?.pointee.received_objects ?? 0), Int(stats?.pointee.received_bytes ?? 0))
  }

  private func fetchError(code: Int32, url: String, context: FetchContext) -> GitError {
    let operation = "fetch \(url)"
    let secrets = context.credentials.secrets
    switch context.cancel.reason {
    case .timedOut: return GitError(.timedOut, "\(operation): timed out", secrets: secrets)
    case .cancelled: return GitError(.cancelled, "\(operation): cancelled", secrets: secrets)
    case .none: break
    }
    if let failure = context.certificateFailure {
      return GitError(.authenticationFailed, "\(operation): \(failure)", secrets: secrets)
    }
    if let failure = context.authenticationFailure {
      return GitError(.authenticationFailed, "\(operation): \(failure)", secrets: secrets)
    }
    if let local = Self.localPath(of: url), !FileManager.default.fileExists(atPath: local) {
      return GitError(.notFound, "\(operation): no repository at \(local)", secrets: secrets)
    }
    return GitError.fromLibgit2(code: code, operation: operation, secrets: secrets)
  }

  /// The file-system path of a local remote (`/path`, `./path`, `file:///path`); nil for
  /// network URLs.
  static func localPath(of url: String) -> String? {
    if url.hasPrefix("file://") { return String(url.dropFirst("file://".count)) }
    if url.contains("://") { return nil }
    if url.hasPrefix("/") || url.hasPrefix(".") || !url.contains(":") { return url }
    return nil  // scp-like user@host:path
  }

  // MARK: References

  /// Resolves `reference` to a commit, or throws `.refNotFound`.
  func resolve(_ reference: GitReference) throws -> GitRevision {
    switch reference {
    case .branch(let name):
      if let commit = try commit(atReference: "refs/heads/\(name)") {
        return GitRevision(reference: reference, commit: commit)
      }
    case .tag(let name):
      if let commit = try commit(atReference: "refs/tags/\(name)") {
        return GitRevision(reference: reference, commit: commit)
      }
    case .name(let name):
      if let commit = try commit(atReference: name) {
        return GitRevision(reference: reference, commit: commit)
      }
    case .commit(let sha):
      if let commit = try commit(prefix: sha) {
        return GitRevision(reference: .commit(commit.sha), commit: commit)
      }
    case .any(let name):
      if let commit = try commit(atReference: "refs/heads/\(name)") {
        return GitRevision(reference: .branch(name), commit: commit)
      }
      if let commit = try commit(atReference: "refs/tags/\(name)") {
        return GitRevision(reference: .tag(name), commit: commit)
      }
      if let commit = try commit(prefix: name) {
        return GitRevision(reference: .commit(commit.sha), commit: commit)
      }
    }
    throw GitError(.refNotFound, "\(reference) not found in the mirror")
  }

  /// The commit a reference peels to; nil if the reference does not exist.
  func commit(atReference name: String) throws -> GitCommit? {
    var reference: OpaquePointer?
    let code = git_reference_lookup(&reference, handle, name)
    if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue { return nil }
    guard code == 0, let reference else {
      throw GitError.fromLibgit2(code: code, operation: "look up \(name)")
    }
    defer { git_reference_free(reference) }
    var object: OpaquePointer?
    let peeled = git_reference_peel(&object, reference, GIT_OBJECT_COMMIT)
    guard peeled == 0, let object else {
      throw GitError.fromLibgit2(
        code: peeled, operation: "\(name) does not point at a commit", notFound: .refNotFound)
    }
    defer { git_object_free(object) }
    return Self.makeCommit(object)
  }

  /// The commit whose SHA-1 starts with `prefix` (4 to 40 hex digits); nil if none.
  func commit(prefix: String) throws -> GitCommit? {
    let length = prefix.utf8.count
    guard (4...40).contains(length), GitReference.isHex(prefix) else { return nil }
    var oid = git_oid()
    guard git_oid_fromstrn(&oid, prefix, length) == 0 else { return nil }
    var commit: OpaquePointer?
    let code = git_commit_lookup_prefix(&commit, handle, &oid, length)
    if code == GIT_EAMBIGUOUS.rawValue {
      throw GitError(.refNotFound, "commit \(prefix) is ambiguous; give more digits")
    }
    guard code == 0, let commit else { return nil }
    defer { git_commit_free(commit) }
    return Self.makeCommit(commit)
  }

  static func makeCommit(_ commit: OpaquePointer) -> GitCommit {
    func signature(_ pointer: UnsafePointer<git_signature>?) -> GitSignature {
      guard let value = pointer?.pointee else {
        return GitSignature(name: "", email: "", time: 0, utcOffsetMinutes: 0)
      }
      return GitSignature(
        name: value.name.map { String(cString: $0) } ?? "",
        email: value.email.map { String(cString: $0) } ?? "",
        time: Int64(value.when.time), utcOffsetMinutes: Int(value.when.offset))
    }
    let parents = (0..<git_commit_parentcount(commit)).compactMap {
      git_commit_parent_id(commit, $0)?.pointee.hex
    }
    return GitCommit(
      sha: git_commit_id(commit).pointee.hex,
      treeID: git_commit_tree_id(commit).pointee.hex,
      author: signature(git_commit_author(commit)),
      committer: signature(git_commit_committer(commit)),
      summary: git_commit_summary(commit).map { String(cString: $0) } ?? "",
      message: git_commit_message(commit).map { String(cString: $0) } ?? "",
      parents: parents)
  }

  // MARK: Trees and blobs

  /// Normalises a user's path: no `./` or `/` at the start, no `/` at the end, `.` → root.
  static func normalize(path: String) -> String {
    let components = path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }
    return components.joined(separator: "/")
  }

  /// Looks up the tree at `path` in commit `sha`; the caller frees it.
  private func tree(commitSHA sha: String, path: String) throws -> OpaquePointer {
    guard var oid = git_oid(hex: sha) else {
      throw GitError(.refNotFound, "\(sha) is not a full commit SHA-1")
    }
    var commit: OpaquePointer?
    var code = git_commit_lookup(&commit, handle, &oid)
    guard code == 0, let commit else {
      throw GitError.fromLibgit2(
        code: code, operation: "look up commit \(sha)", notFound: .refNotFound)
    }
    defer { git_commit_free(commit) }
    var root: OpaquePointer?
    code = git_commit_tree(&root, commit)
    guard code == 0, let root else {
      throw GitError.fromLibgit2(code: code, operation: "read the tree of \(sha)")
    }
    guard !path.isEmpty else { return root }
    defer { git_tree_free(root) }
    var entry: OpaquePointer?
    code = git_tree_entry_bypath(&entry, root, path)
    guard code == 0, let entry else {
      throw GitError(.notFound, "path \(path) not found at commit \(sha)")
    }
    defer { git_tree_entry_free(entry) }
    guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
      throw GitError(.notFound, "path \(path) at commit \(sha) is not a directory")
    }
    var subtree: OpaquePointer?
    code = git_tree_lookup(&subtree, handle, git_tree_entry_id(entry))
    guard code == 0, let subtree else {
      throw GitError.fromLibgit2(code: code, operation: "read tree \(path) at \(sha)")
    }
    return subtree
  }

  /// The id of the tree at `path` in commit `sha`.
  func treeID(commitSHA sha: String, path: String) throws -> String {
    let tree = try tree(commitSHA: sha, path: Self.normalize(path: path))
    defer { git_tree_free(tree) }
    return git_tree_id(tree).pointee.hex
  }

  /// Every file under `path` at commit `sha` that `filter` accepts, with its bytes.
  func snapshot(
    commitSHA sha: String, path: String, filter: GitFileFilter, known: [String: String] = [:]
  ) throws -> GitTreeSnapshot {
    let path = Self.normalize(path: path)
    let tree = try tree(commitSHA: sha, path: path)
    defer { git_tree_free(tree) }
    var files: [GitFile] = []
    if path.isEmpty || !filter.ignore.isExcluded(path, isDirectory: true) {
      try walk(tree, prefix: path, filter: filter, known: known, into: &files)
    }
    return GitTreeSnapshot(
      commitSHA: sha, path: path, treeID: git_tree_id(tree).pointee.hex, files: files)
  }

  private func walk(
    _ tree: OpaquePointer, prefix: String, filter: GitFileFilter, known: [String: String],
    into files: inout [GitFile]
  ) throws {
    let count = git_tree_entrycount(tree)
    for index in 0..<count {
      guard let entry = git_tree_entry_byindex(tree, index) else { continue }
      let name = String(cString: git_tree_entry_name(entry))
      let entryPath = prefix.isEmpty ? name : prefix + "/" + name
      let type = git_tree_entry_type(entry)
      if type == GIT_OBJECT_TREE {
        if !filter.ignore.isEmpty && filter.ignore.isIgnored(entryPath, isDirectory: true) {
          continue
        }
        var subtree: OpaquePointer?
        let code = git_tree_lookup(&subtree, handle, git_tree_entry_id(entry))
        guard code == 0, let subtree else {
          throw GitError.fromLibgit2(code: code, operation: "read tree \(entryPath)")
        }
        defer { git_tree_free(subtree) }
        try walk(subtree, prefix: entryPath, filter: filter, known: known, into: &files)
      } else if type == GIT_OBJECT_BLOB {
        // Symbolic links hold a target path, not content; submodules are commits.
        if git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK { continue }
        guard filter.acceptsExtension(of: name) else { continue }
        if !filter.ignore.isEmpty && filter.ignore.isIgnored(entryPath, isDirectory: false) {
          continue
        }
        let id = git_tree_entry_id(entry)!
        let hex = id.pointee.hex
        let content = known[entryPath] == hex ? [] : try blob(id)
        files.append(GitFile(path: entryPath, blobID: hex, content: content))
      }
    }
  }

  /// The bytes of blob `id`.
  func blob(_ id: UnsafePointer<git_oid>) throws -> [UInt8] {
    var blob: OpaquePointer?
    let code = git_blob_lookup(&blob, handle, id)
    guard code == 0, let blob else {
      throw GitError.fromLibgit2(code: code, operation: "read blob \(id.pointee.hex)")
    }
    defer { git_blob_free(blob) }
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: raw, count: size))
  }

  /// The bytes of the blob whose full hexadecimal id is `hex`.
  func blob(hex: String) throws -> [UInt8] {
    guard var oid = git_oid(hex: hex) else {
      throw GitError(.notFound, "\(hex) is not a full blob SHA-1")
    }
    return try blob(&oid)
  }
}

/// An empty directory (shared by every Mooring process) that new mirrors use as template.
private let emptyTemplate: String = {
  let path = NSTemporaryDirectory() + "mooring-empty-git-template"
  try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}()
