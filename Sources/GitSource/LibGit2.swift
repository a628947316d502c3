import CGit2

/// The process-wide libgit2 runtime: initialised once, on first use, and never shut down
/// (libgit2 keeps global state such as its TLS and transport registries; shutting it down
/// while another thread still uses it is undefined behaviour, so we simply keep it alive).
public enum LibGit2 {
  /// Swift initialises globals and static lets exactly once, thread-safely (`swift_once`),
  /// which is what `git_libgit2_init` needs: the first call must complete before any other
  /// libgit2 call.
  private static let initialized: Bool = {
    git_libgit2_init() >= 1
  }()

  /// Initialises libgit2 if this is the first call; cheap afterwards.
  static func ensureInitialized() {
    _ = initialized
  }

  /// libgit2's version, as `major.minor.revision`.
  public static var version: String {
    ensureInitialized()
    var major: Int32 = 0
    var minor: Int32 = 0
    var revision: Int32 = 0
    git_libgit2_version(&major, &minor, &revision)
    return "\(major).\(minor).\(revision)"
  }

  /// Whether this libgit2 was built with SSH support (libssh2), so `ssh://` URLs work.
  public static var supportsSSH: Bool {
    ensureInitialized()
    return git_libgit2_features() & Int32(GIT_FEATURE_SSH.rawValue) != 0
  }

  /// Whether this libgit2 was built with HTTPS support.
  public static var supportsHTTPS: Bool {
    ensureInitialized()
    return git_libgit2_features() & Int32(GIT_FEATURE_HTTPS.rawValue) != 0
  }

  /// Whether this libgit2 is thread-safe (objects are still not shared between threads).
  public static var isThreadSafe: Bool {
    ensureInitialized()
    return git_libgit2_features() & Int32(GIT_FEATURE_THREADS.rawValue) != 0
  }
}
