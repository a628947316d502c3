import CEL
import Objects

/// A ValidatingAdmissionPolicy with every expression parsed, type-checked and planned,
/// ready to evaluate any number of times from any task. Built by `PolicyCompiler`.
public struct PolicyProgram: Sendable {
  /// One planned expression and the text it came from.
  struct Expression: Sendable {
    var name: String
    var text: String
    var program: CELProgram
  }

  /// A planned validation and its planned message expression.
  struct Validation: Sendable {
    var validation: AdmissionPolicy.Validation
    var program: CELProgram
    var messageProgram: CELProgram?
  }

  /// The policy as decoded.
  public let policy: AdmissionPolicy
  /// Every compile error; a policy with errors is a configuration error when it matches.
  public let errors: [PolicyCompileError]
  let matchConditions: [Expression]
  let variables: [Expression]
  let validations: [Validation]
  let auditAnnotations: [Expression]

}
