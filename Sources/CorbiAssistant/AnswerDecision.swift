import Foundation

/// Whether the knowledge base supports an answer: a logistic model over `AnswerFeatures`,
/// fitted on the development half of `eval/` (`eval/fit-decision.py`) and checked on the
/// held-out half. Wrong answers cost more than refusals there, so the threshold sits where
/// a wrong answer is unlikely.
public struct AnswerDecision: Sendable, Equatable {
    /// One weight per value of `AnswerFeatures.vector`.
    public var weights: [Double]
    public var bias: Double
    /// Answer when the probability of a supported answer reaches this.
    public var threshold: Double

    public init(weights: [Double], bias: Double, threshold: Double) {
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
    }

    /// The model fitted by `eval/fit-decision.py` on the development data (the development
    /// half of `eval/` and the demo knowledge base's questions: 131 candidate answers, 62 of
    /// them good). At 0.6 it answers 32 of those correctly, 4 wrongly and 2 unanswerable
    /// questions; 0.55 gives 35 / 8 / 2, 0.65 gives 28 / 3 / 2.
    public static let fitted = AnswerDecision(
        weights: [3.341, 0.439, 0.700, -3.488, 1.132, 0.663, -0.174, 4.172, 0.550, 0.028], bias: -4.886, threshold: 0.6)

    /// Probability (0...1) that the picked sentences answer the question.
    public func probability(_ features: AnswerFeatures) -> Double {
        let z = zip(weights, features.vector).reduce(bias) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-z))
    }

    public func answers(_ features: AnswerFeatures) -> Bool { probability(features) >= threshold }
}
