import CGit2

/// An error from a Git operation. Its message never contains credentials: URLs lose their
/// `user:password@` part and known secrets are replaced by `***` when the error is made.
public struct GitError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What went wrong, coarse enough to pick a status reason from.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// The remote refused the credentials, asked for credentials none were given for, or
    /// its host key or certificate was rejected.
    case authenticationFailed
    /// A branch, tag, reference name or commit does not exist in the mirror.
    case refNotFound
    /// The remote could not be reached (refused connection, DNS, reset, TLS failure).
    case unreachable
    /// A repository, path or object does not exist.
    case notFound
    /// The operation ran longer than its timeout.
    case timedOut
    /// The operation was cancelled by its caller.
    case cancelled
    /// Anything else; the message says what.
    case other
  }

  /// The classification.
  public let kind: Kind
  /// A human-readable message, already scrubbed of credentials.
  public let message: String

  /// Makes an error, scrubbing URL credentials and the given secrets from `message`.
  public init(_ kind: Kind, _ message: String, secrets: [String] = []) {
    self.kind = kind
    self.message = GitRedaction.scrub(message, secrets: secrets)
  }

  public var description: String { "\(kind.rawValue): \(message)" }

  /// Builds an error from libgit2's last error for a failed call that returned `code`.
  /// `operation` says what was being done ("fetch https://host/repo").
  static func fromLibgit2(
    code: Int32, operation: String, secrets: [String] = [], notFound: Kind = .notFound
  ) -> GitError {
    var detail = "error \(code)"
    var errorClass: Int32 = -1
    if let last = git_error_last(), let message = last.pointee.message {
      detail = String(cString: message)
      errorClass = last.pointee.klass
    }
    let kind = classify(code: code, errorClass: errorClass, detail: detail, notFound: notFound)
    return GitError(kind, "\(operation): \(detail)", secrets: secrets)
  }

  /// Maps libgit2's error code, class and message to a kind. libgit2 1.5 reports most
  /// transport failures with a generic code, so the class and HTTP status decide.
  static func classify(code: Int32, errorClass: Int32, detail: String, notFound: Kind) -> Kind {
    let lower = detail.lowercased()
    switch code {
    case GIT_EAUTH.rawValue, GIT_ECERTIFICATE.rawValue: return .authenticationFailed
    case GIT_ENOTFOUND.rawValue: return notFound
    default: break
    }
    if lower.contains("status code: 401") || lower.contains("status code: 403")
      || lower.contains("authentication required") || lower.contains("authentication failed")
    {
      return .authenticationFailed
    }
    if lower.contains("status code: 404") || lower.contains("could not find repository")
      || lower.contains("not a git repository") || lower.contains("repository not found")
      || lower.contains("does not appear to be a git repository")
    {
      return .notFound
    }
    if lower.contains("unsupported url protocol") { return .other }
    let transportClasses: Set<Int32> = [
      Int32(GIT_ERROR_NET.rawValue), Int32(GIT_ERROR_SSL.rawValue),
      Int32(GIT_ERROR_SSH.rawValue), Int32(GIT_ERROR_HTTP.rawValue),
    ]
    if transportClasses.contains(errorClass) || lower.contains("failed to connect")
      || lower.contains("failed to resolve address") || lower.contains("connection refused")
      || lower.contains("early eof") || lower.contains("connection reset")
    {
      return .unreachable
    }
    return .other
  }
}
