/// Credentials for a remote, passed in by the caller and never logged: `description`,
/// `debugDescription` and reflection (`dump`) show only the kind of credential.
public struct GitCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  enum Storage: Sendable {
    case none
    case basic(username: String, password: String)
    case ssh(username: String, privateKey: String, publicKey: String?, passphrase: String?)
  }

  let storage: Storage
  /// `known_hosts` lines for SSH; when set, the server's host key must match one of them.
  let knownHosts: KnownHosts?

  /// No credentials: anonymous access.
  public static let none = GitCredentials(storage: .none, knownHosts: nil)

  /// HTTP(S) basic authentication.
  public static func basic(username: String, password: String) -> GitCredentials {
    GitCredentials(storage: .basic(username: username, password: password), knownHosts: nil)
  }

  /// An HTTP(S) token, sent as the basic-auth password (GitHub, GitLab and Gitea accept
  /// any non-empty user name with a token).
  public static func token(_ token: String, username: String = "git") -> GitCredentials {
    basic(username: username, password: token)
  }

  /// An SSH identity held in memory (PEM or OpenSSH private key text) and, optionally, the
  /// `known_hosts` text the server's host key must appear in.
  public static func ssh(
    username: String = "git", privateKey: String, publicKey: String? = nil,
    passphrase: String? = nil, knownHosts: String? = nil
  ) -> GitCredentials {
    GitCredentials(
      storage: .ssh(
        username: username, privateKey: privateKey, publicKey: publicKey, passphrase: passphrase),
      knownHosts: knownHosts.map(KnownHosts.init(text:)))
  }

  /// The secret strings to scrub from any message.
  var secrets: [String] {
    switch storage {
    case .none: return []
    case .basic(_, let password): return [password]
    case .ssh(_, let privateKey, _, let passphrase):
      return [privateKey] + (passphrase.map { [$0] } ?? [])
    }
  }

  var kindName: String {
    switch storage {
    case .none: return "none"
    case .basic: return "basic"
    case .ssh: return "ssh"
    }
  }

  public var description: String { "GitCredentials(\(kindName), redacted)" }
  public var debugDescription: String { description }
  public var customMirror: Mirror { Mirror(self, children: ["kind": kindName]) }
}
