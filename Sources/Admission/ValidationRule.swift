import CEL
import Objects

/// One compiled `x-kubernetes-validations` entry: a CEL `rule` over `self` (and
/// `oldSelf` on update), with its `message`, `messageExpression`, `reason`, `fieldPath`
/// and `optionalOldSelf`. Compiled once, when the CRD is loaded.
public struct ValidationRule: Sendable {
  /// The rule text.
  public var rule: String
  /// `message`, trimmed; empty when unset.
  public var message: String
  /// `messageExpression`, when set.
  public var messageExpression: String?
  /// The error kind `reason` asks for (`FieldValueInvalid` when unset).
  public var reason: FieldError.Kind
  /// `fieldPath`, relative to the field the rule is on.
  public var fieldPath: ValuePath?
  /// `optionalOldSelf`: the rule also runs on create, with `oldSelf` an optional.
  public var optionalOldSelf: Bool
  /// True when the rule reads `oldSelf` (a transition rule).
  public var usesOldSelf: Bool
  let program: CELProgram
  let messageProgram: CELProgram?

  /// Kubernetes' limit on the runtime cost of one evaluation (`PerCallLimit`).
  public static let perCallCostLimit: UInt64 = 1_000_000
  /// Kubernetes' runtime cost budget for all the rules of one object
  /// (`RuntimeCELCostBudget`).
  public static let objectCostBudget: UInt64 = 10_000_000

  static let reasons: [String: FieldError.Kind] = [
    "FieldValueInvalid": .invalid, "FieldValueForbidden": .forbidden,
    "FieldValueRequired": .required, "FieldValueDuplicate": .duplicate,
  ]

  /// Compiles the entry `value` of the schema node `schema` found at `path`
  /// (`...x-kubernetes-validations[i]`); returns every problem with its path.
  ///
  /// - Parameters:
  ///   - correlatable: false under lists that are not `map` lists, where `oldSelf` has
  ///     no meaning.
  ///   - resourceRoot: true at the root of the object or of an embedded resource.
  ///   - cardinality: how many times the rule may run on one object, nil when unbounded
  ///     (see `RuleCardinality`).
  ///   - costs: the schema's rule costs so far, which this rule's are added to.
  static func compile(
    _ value: Value, at path: ValuePath, schema: StructuralSchema, correlatable: Bool,
    resourceRoot: Bool = false, cardinality: UInt64? = 1, costs: inout RuleCostTotal
  ) -> (ValidationRule?, [FieldError]) {
    var errors: [FieldError] = []
    guard case .map(let entry) = value else {
      return (nil, [FieldError(.typeInvalid, path, value, "must be of type object")])
    }
    func string(_ key: String) -> String? {
      switch entry[key] {
      case nil, .null?: return nil
      case .string(let s)?: return s
      case let other?:
        errors.append(FieldError(.typeInvalid, path.appending(key), other, "must be a string"))
        return nil
      }
    }
    let rule = string("rule") ?? ""
    let message = string("message")
    let messageExpression = string("messageExpression")
    let reasonText = string("reason")
    let fieldPathText = string("fieldPath")
    var optionalOldSelf = false
    switch entry["optionalOldSelf"] {
    case nil, .null?: break
    case .bool(let b)?: optionalOldSelf = b
    case let other?:
      errors.append(
        FieldError(.typeInvalid, path.appending("optionalOldSelf"), other, "must be a boolean"))
    }

    if rule.trimmingSpaces.isEmpty {
      errors.append(.required(path.appending("rule")))
    }
    if let message {
      if message.trimmingSpaces.isEmpty {
        errors.append(
          .required(path.appending("message"), "message must be non-empty if specified"))
      } else if message.contains("\n") {
        errors.append(
          .invalid(
            path.appending("message"), .string(message), "message must not contain line breaks"))
      }
    }
    var reason = FieldError.Kind.invalid
    if let reasonText {
      if let kind = reasons[reasonText] {
        reason = kind
      } else {
        errors.append(
          .notSupported(
            path.appending("reason"), .string(reasonText),
            [
              "FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired",
              "FieldValueDuplicate",
            ]))
      }
    }
    var fieldPath: ValuePath?
    if let fieldPathText {
      switch RuleFieldPath.resolve(fieldPathText, in: schema) {
      case .success(let p): fieldPath = p
      case .failure(let problem):
        errors.append(
          .invalid(
            path.appending("fieldPath"), .string(fieldPathText),
            "fieldPath must be a valid path: \(problem.message)"))
      }
    }
    guard !rule.trimmingSpaces.isEmpty else { return (nil, errors) }

    var types = SchemaCELTypes()
    let selfType = types.type(of: schema, named: "selfType", resourceRoot: resourceRoot)
    var env = CELEnvironment.kubernetes()
    env.objectTypes = types.objectTypes
    env.declare("self", selfType)
    env.declare("oldSelf", optionalOldSelf ? .optional(selfType) : selfType)
    env.costLimit = perCallCostLimit
    // Kubernetes' static estimate: sizes from the schema, `has()` free.
    env.costEstimation = CELCostEstimation(
      estimator: SchemaSizeEstimator(schema: schema, resourceRoot: resourceRoot),
      presenceTestHasCost: false)

    var program: CELProgram?
    var usesOldSelf = false
    switch compileExpression(rule, env) {
    case .failure(let problem):
      errors.append(
        .invalid(path.appending("rule"), .string(rule), "compilation failed: \(problem)"))
    case .success(let (compiled, checked)):
      if checked.resultType != .bool && checked.resultType != .dyn {
        errors.append(
          .invalid(
            path.appending("rule"), .string(rule), "cel expression must evaluate to a bool"))
      }
      if checked.resultType == .bool || checked.resultType == .dyn {
        let cost = RuleCardinality.multiply(
          compiled.estimatedCost?.max ?? 0,
          RuleCardinality.effective(cardinality, schema: schema, resourceRoot: resourceRoot))
        if cost > staticEstimatedCostLimit {
          errors.append(
            .forbidden(
              path.appending("rule"),
              costErrorMessage("estimated rule cost", cost, limit: staticEstimatedCostLimit)))
        }
        costs.observe(path.appending("rule"), cost)
      }
      usesOldSelf = checked.references.values.contains { $0.name == "oldSelf" && !$0.isFunction }
      if usesOldSelf && !correlatable {
        errors.append(
          .invalid(
            path.appending("rule"), .string(rule),
            "oldSelf cannot be used on the uncorrelatable portion of the schema"))
      }
      program = compiled
    }
    var messageProgram: CELProgram?
    if let messageExpression {
      switch compileExpression(messageExpression, env) {
      case .failure(let problem):
        errors.append(
          .invalid(
            path.appending("messageExpression"), .string(messageExpression),
            "messageExpression compilation failed: \(problem)"))
      case .success(let (compiled, checked)):
        if checked.resultType != .string && checked.resultType != .dyn {
          errors.append(
            .invalid(
              path.appending("messageExpression"), .string(messageExpression),
              "must evaluate to a string"))
        } else {
          // Not multiplied: a message is built once, for a failing rule.
          let cost = compiled.estimatedCost?.max ?? 0
          if cost > staticEstimatedCostLimit {
            errors.append(
              .forbidden(
                path.appending("messageExpression"),
                costErrorMessage(
                  "estimated messageExpression cost", cost, limit: staticEstimatedCostLimit)))
          }
          costs.observe(path.appending("messageExpression"), cost)
        }
        messageProgram = compiled
      }
    }
    guard let program, errors.isEmpty else { return (nil, errors) }
    let compiled = ValidationRule(
      rule: rule, message: message?.trimmingSpaces ?? "", messageExpression: messageExpression,
      reason: reason, fieldPath: fieldPath, optionalOldSelf: optionalOldSelf,
      usesOldSelf: usesOldSelf, program: program, messageProgram: messageProgram)
    return (compiled, [])
  }

  /// Parses, type-checks (Kubernetes' options) and plans `text`.
  static func compileExpression(_ text: String, _ env: CELEnvironment)
    -> Result<(CELProgram, CELCheckedExpr), CompileProblem>
  {
    let parsed: ParsedExpr
    do {
      parsed = try CELParser.parse(text)
    } catch {
      return .failure(CompileProblem(message: "\(error)"))
    }
    let options = CELCheckerOptions(homogeneousAggregateLiterals: true)
    switch CELChecker.check(parsed, environment: env, options: options) {
    case .failure(let error):
      return .failure(CompileProblem(message: "\(error)"))
    case .success(let checked):
      do {
        // Planned with the checker's overloads, and estimated.
        let program = try CELProgram(checked, environment: env)
        return .success((program, checked))
      } catch {
        return .failure(CompileProblem(message: "\(error)"))
      }
    }
  }

  /// The text of the error a failed rule reports: its message, or `failed rule: <rule>`.
  var defaultDetail: String {
    message.isEmpty ? "failed rule: \(ruleErrorString)" : message
  }

  /// The message when set, else the rule (Kubernetes' `ruleErrorString`).
  var ruleErrorString: String {
    message.isEmpty ? rule.trimmingSpaces : message
  }
}

/// Why an expression did not compile.
struct CompileProblem: Error {
  var message: String
}

extension CompileProblem: CustomStringConvertible {
  var description: String { message }
}

extension String {
  /// Without leading and trailing whitespace.
  var trimmingSpaces: String {
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[start...end])
  }
}
