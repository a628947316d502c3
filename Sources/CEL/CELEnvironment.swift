/// What an expression may use: declared variables with their types, functions with
/// their overloads, constants, the container (namespace) names resolve in, and limits.
public struct CELEnvironment: Sendable {
  public var variables: [String: CELType]
  public var functions: [String: CELFunction]
  public var constants: [String: CELValue]
  /// A dotted namespace: with container `a.b`, the name `c` also resolves as `a.b.c`, `a.c`.
  public var container: String
  /// The runtime cost limit per evaluation, in Kubernetes' cost units; nil for none.
  public var costLimit: UInt64?
  /// Static cost estimation: variable sizes, and the estimated cost limit the checker
  /// enforces (none by default).
  public var costEstimation = CELCostEstimation()
  /// Names of the libraries added, in order.
  public private(set) var libraries: [String]
  /// Object types by name (`kubernetes.AdmissionRequest`): a variable declared as
  /// `.opaque(name, [])` of one of them has these fields, and selecting any other is a
  /// type error. At runtime such values are maps.
  public var objectTypes: [String: [String: CELType]] = [:]

  /// An empty environment (no functions at all).
  public init() {
    variables = [:]
    functions = [:]
    constants = [:]
    container = ""
    costLimit = 1_000_000
    libraries = []
  }

  /// Declares a variable.
  public mutating func declare(_ name: String, _ type: CELType) {
    variables[name] = type
  }

  /// Adds a library's functions (merging overloads of same-named functions) and constants.
  public mutating func add(_ library: CELLibrary) {
    for f in library.functions {
      if var existing = functions[f.name] {
        let ids = Set(existing.overloads.map(\.id))
        existing.overloads += f.overloads.filter { !ids.contains($0.id) }
        functions[f.name] = existing
      } else {
        functions[f.name] = f
      }
    }
    for (k, v) in library.constants { constants[k] = v }
    libraries.append(library.name)
  }

  /// Adds one function's overloads.
  public mutating func add(_ function: CELFunction) {
    add(CELLibrary(name: function.name, functions: [function]))
  }
}
