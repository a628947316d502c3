import Foundation

/// The workplace's shared files (`shared/`: the CEL conformance corpus, references). They
/// sit beside the project (`../shared`); a clone elsewhere (CI) finds them through
/// `MOORING_SHARED_DIR`, or at /work/shared.
public enum SharedFiles {
  /// The package root.
  public static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The shared directory: the first of `MOORING_SHARED_DIR`, `ROOT/../shared` and
  /// `/work/shared` that exists.
  public static var directory: URL {
    var candidates: [URL] = []
    if let env = ProcessInfo.processInfo.environment["MOORING_SHARED_DIR"], !env.isEmpty {
      candidates.append(URL(fileURLWithPath: env))
    }
    candidates.append(root.appendingPathComponent("../shared").standardizedFileURL)
    candidates.append(URL(fileURLWithPath: "/work/shared"))
    return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
      ?? candidates[candidates.count - 2]
  }

  /// The CEL conformance corpus (`shared/conformance/cel`).
  public static var celConformance: URL {
    directory.appendingPathComponent("conformance/cel")
  }
}
