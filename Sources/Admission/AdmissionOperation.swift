/// The operation a request performs, as admission sees it.
public enum AdmissionOperation: String, Sendable, Hashable, CaseIterable {
  case create = "CREATE"
  case update = "UPDATE"
  case delete = "DELETE"
  case connect = "CONNECT"

  /// The `kind` of the request's options object (`CreateOptions`, ...).
  var optionsKind: String {
    switch self {
    case .create: return "CreateOptions"
    case .update: return "UpdateOptions"
    case .delete: return "DeleteOptions"
    case .connect: return "ConnectOptions"
    }
  }
}
