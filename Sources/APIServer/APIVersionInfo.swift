import Objects

/// What `GET /version` answers. kubectl on these machines is a dispatcher that picks its
/// client binary from `minor`, so Mooring reports the Kubernetes API level it implements.
public enum APIVersionInfo {
  /// The Kubernetes minor version whose API Mooring serves.
  public static let kubernetesMinor = "32"

  /// The `/version` document.
  public static func document(mooringVersion: String) -> Value {
    .map([
      "major": "1", "minor": .string(kubernetesMinor),
      "gitVersion": .string("v1.\(kubernetesMinor).0-mooring-\(mooringVersion)"),
      "gitCommit": "", "gitTreeState": "clean", "buildDate": "",
      "goVersion": "swift", "compiler": "swiftc", "platform": "linux/amd64",
    ])
  }
}
