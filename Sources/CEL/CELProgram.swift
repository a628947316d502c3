/// A CEL expression planned for fast, repeated evaluation.
///
/// Planning resolves every name and function once; evaluating reads variables through
/// slots and calls overload implementations directly. A program is immutable and can be
/// evaluated from any number of tasks at once.
///
/// ```swift
/// let program = try CELProgram(parsed, environment: env)
/// let allowed = program.evaluate(["object": object])
/// ```
public struct CELProgram: Sendable {
  private let root: any CELInterpretable
  private let slotCount: Int
  /// The runtime cost limit per evaluation (from the environment); nil for none.
  public let costLimit: UInt64?
  /// The static cost estimate, when planned from a checked expression.
  public internal(set) var estimatedCost: CELCostEstimate?

  /// Plans `parsed` against `environment`.
  ///
  /// - Parameter overloadHints: expression id → overload id, as a type checker resolves
  ///   them; a hinted call is bound to that overload without runtime dispatch.
  /// - Throws: `CELError` when the expression cannot be planned. Unknown functions and
  ///   variables are not planning errors: as in cel-go they are errors when evaluated
  ///   (a type checker reports them before planning).
  public init(
    _ parsed: ParsedExpr, environment: CELEnvironment, overloadHints: [Int64: String] = [:]
  ) throws(CELError) {
    var planner = CELPlanner(environment: environment, hints: overloadHints)
    root = try planner.plan(parsed.expr)
    slotCount = planner.slotCount
    costLimit = environment.costLimit
  }

  /// Evaluates with these variable bindings. Errors are returned as `.error` values.
  public func evaluate(_ variables: [String: CELValue]) -> CELValue {
    run(variables, costLimit).0
  }

  /// Evaluates with variables from `activation`. Errors are returned as `.error` values.
  public func evaluate(_ activation: any CELActivation) -> CELValue {
    run(activation, costLimit).0
  }

  /// Evaluates and reports the runtime cost (see `CELCallCost` for the model).
  ///
  /// - Parameter costLimit: a limit for this evaluation instead of the environment's.
  /// - Returns: the result, which is `CELError.costLimitExceeded` when the cost went over
  ///   the limit, and the cost spent.
  public func evaluateWithCost(
    _ activation: any CELActivation, costLimit: UInt64? = nil
  ) -> (CELValue, cost: UInt64) {
    run(activation, costLimit ?? self.costLimit)
  }

  /// Evaluates with these variable bindings and reports the runtime cost.
  public func evaluateWithCost(
    _ variables: [String: CELValue], costLimit: UInt64? = nil
  ) -> (CELValue, cost: UInt64) {
    run(variables, costLimit ?? self.costLimit)
  }

  private func run(_ activation: any CELActivation, _ limit: UInt64?) -> (CELValue, cost: UInt64) {
    withUnsafeTemporaryAllocation(of: CELSlot.self, capacity: max(slotCount, 1)) { slots in
      slots.initialize(repeating: .unresolved)
      defer { _ = slots.deinitialize() }
      var ctx = CELEvalContext(slots: slots, activation: activation, limit: limit ?? .max)
      let value = root.eval(&ctx)
      if ctx.cancelled { return (.error(.costLimitExceeded), ctx.cost) }
      return (value, ctx.cost)
    }
  }
}
